// Runtimes for upgrade tests: the dev chain spec with an earlier runtime's code in its genesis
// (the genesis state is built by that code, so the chain starts exactly as a chain of that
// release did), and the code of the runtime the node was built with.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { u8aToHex } from '@polkadot/util';
import { nodeBinary } from './node.mjs';

const run = promisify(execFile);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The hex of an earlier runtime kept in e2e/fixtures (see e2e/fixtures/README.md). */
export function fixtureRuntime(name) {
  return u8aToHex(readFileSync(join(FIXTURES, name)));
}

async function buildSpec(...args) {
  const { stdout } = await run(nodeBinary(), ['build-spec', '--dev', ...args], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** The code of the runtime this node was built with, as hex: the `:code` of its raw dev spec. */
export async function currentRuntime() {
  const raw = await buildSpec('--raw');
  return raw.genesis.raw.top['0x3a636f6465'];
}

/**
 * Writes the dev chain spec with `codeHex` as its genesis runtime; returns the file's path. The
 * genesis patch is today's preset, less the fields that runtimes before spec 102 do not know
 * (the zones' link caps: their zones start unbounded, as the migration to 102 leaves them).
 */
export async function devSpecWithRuntime(codeHex) {
  const spec = await buildSpec();
  spec.genesis.runtimeGenesis.code = codeHex;
  delete spec.genesis.runtimeGenesis.patch?.participants?.links;
  const path = join(mkdtempSync(join(tmpdir(), 'wattle-spec-')), 'dev-earlier-runtime.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}
