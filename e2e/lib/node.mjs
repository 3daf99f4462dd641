// Starts the built wattle-node on free local ports with a fresh base path, connects
// @polkadot/api to it, and stops it again. On a failed test the node's log tail is printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiPromise, WsProvider } from '@polkadot/api';

const LOG_TAIL_LINES = 80;

/** The node binary: $WATTLE_NODE, else the release build in cargo's target directory. */
export function nodeBinary() {
  if (process.env.WATTLE_NODE) return process.env.WATTLE_NODE;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattle', 'target');
  return join(target, 'release', 'wattle-node');
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `wattle-node --dev` (or `args` in place of `--dev`) and returns
 * `{ api, wsUrl, logTail, stop }`; Prometheus is off unless `prometheusPort` is given. The
 * database goes in a fresh folder removed at `stop`, or in `basePath`, which is kept. Throws
 * with the log tail if it is not up within `timeoutMs`.
 */
export async function startNode({ args = ['--dev'], timeoutMs = 120_000, prometheusPort = null, basePath: kept = null } = {}) {
  const binary = nodeBinary();
  if (!existsSync(binary)) throw new Error(`wattle-node not found at ${binary}: build it first`);
  const basePath = kept ?? mkdtempSync(join(tmpdir(), 'wattle-e2e-'));
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const child = spawn(
    binary,
    [
      ...args,
      '--base-path', basePath,
      '--rpc-port', String(rpcPort),
      '--port', String(p2pPort),
      ...(prometheusPort ? ['--prometheus-port', String(prometheusPort)] : ['--no-prometheus']),
      '--no-telemetry',
      '--no-mdns',
      '--rpc-cors', 'all',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = [];
  const collect = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line) log.push(line);
    if (log.length > 5_000) log.splice(0, log.length - 5_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const logTail = () => log.slice(-LOG_TAIL_LINES).join('\n');
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGINT');
      for (let i = 0; i < 100 && exited === null; i++) await sleep(100);
      if (exited === null) child.kill('SIGKILL');
    }
    if (!kept) rmSync(basePath, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };

  const wsUrl = `ws://127.0.0.1:${rpcPort}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    const provider = new WsProvider(wsUrl, false);
    try {
      await provider.connect();
      await waitFor(() => provider.isConnected, 2_000);
      const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
      return { api, wsUrl, logTail, stop: async () => { await api.disconnect(); await stop(); } };
    } catch {
      await provider.disconnect().catch(() => {});
      await sleep(500);
    }
  }
  await stop();
  throw new Error(`wattle-node did not come up (exit: ${JSON.stringify(exited)}). Log tail:\n${logTail()}`);
}

/** Polls `predicate` until it is truthy or `timeoutMs` passes. */
export async function waitFor(predicate, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/**
 * Signs and sends `tx` from `signer` (with signing `options` such as an explicit `nonce`) and
 * resolves once it is in a block, with the block hash and
 * the transaction's events; rejects with the decoded module error if the dispatch failed.
 */
export function submit(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      if (!status.isInBlock) return;
      unsubscribe();
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
          const error = new Error(`${section}.${name}: ${docs.join(' ')}`);
          error.section = section;
          error.name = name;
          reject(error);
        } else {
          reject(new Error(dispatchError.toString()));
        }
        return;
      }
      resolve({ blockHash: status.asInBlock, events });
    }).then((unsub) => { unsubscribe = unsub; }, reject);
  });
}

/**
 * One fresh node for the calling test file: started in `before`, stopped in `after`. Returns
 * `{ ctx, test }`: `ctx` gets `api`, `wsUrl`, `logTail` once started; `test(name, fn)` is
 * node:test's `test` that prints the node's log tail when `fn` fails.
 */
export function useNode(options) {
  const ctx = {};
  before(async () => Object.assign(ctx, await startNode(options)));
  after(async () => { if (ctx.stop) await ctx.stop(); });
  const wrapped = (name, fn) => test(name, async (t) => {
    try {
      await fn(t);
    } catch (error) {
      if (ctx.logTail) console.error(`--- wattle-node log tail (${name}) ---\n${ctx.logTail()}`);
      throw error;
    }
  });
  return { ctx, test: wrapped };
}
