// Builds the app to static files in dist/ with relative asset paths, so that any static server
// (app/serve.mjs, or a web server's sub-folder) can serve it.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
