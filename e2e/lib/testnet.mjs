// A local testnet for end-to-end tests, through scripts/testnet.sh: four validators on free ports
// in a temporary folder, more nodes joining on the ports after theirs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { freePort, nodeBinary } from './node.mjs';

const run = promisify(execFile);
const script = new URL('../../scripts/testnet.sh', import.meta.url).pathname;

function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports. */
async function freeRange(count) {
  for (;;) {
    const first = await freePort();
    if (first > 65_000) continue;
    const free = await Promise.all(Array.from({ length: count - 1 }, (_, k) => isFree(first + k + 1)));
    if (free.every(Boolean)) return first;
  }
}

/** Starts the four validators, with room for `nodes - 4` more; resolves once they run. */
export async function startTestnet({ nodes = 4 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wattle-testnet-'));
  const rpcBase = await freeRange(nodes);
  const env = { ...process.env, WATTLE_NODE: nodeBinary(), RPC_PORT: String(rpcBase), P2P_PORT: String(await freeRange(nodes)) };
  const names = ['alice', 'bob', 'charlie', 'dave'];
  const url = (index) => `ws://127.0.0.1:${rpcBase + index}`;
  await run('bash', [script, 'start', dir], { env });
  const apis = [];
  return {
    dir,
    names,
    /** The RPC address of node `index`. */
    url,
    /** An API connected to node `index`'s RPC. */
    async connect(index) {
      const api = await ApiPromise.create({ provider: new WsProvider(url(index)), noInitWarn: true });
      apis.push(api);
      return api;
    },
    /** Starts node `name` on ports base + `index` as a validator with an empty keystore. */
    async join(name, index) {
      await run('bash', [script, 'join', dir, name, String(index)], { env });
      names.push(name);
    },
    /** Starts node `name` on ports base + `index` as a non-validating RPC node. */
    async follow(name, index) {
      await run('bash', [script, 'follow', dir, name, String(index)], { env });
      names.push(name);
    },
    /** Starts node `name` (on ports base + `index`) again from its database and keys. */
    async restart(name, index) {
      await run('bash', [script, 'restart', dir, name, String(index)], { env });
    },
    pid: (name) => Number(readFileSync(join(dir, name, 'pid'), 'utf8').trim()),
    /** Node `name`'s whole log. */
    log: (name) => readFileSync(join(dir, name, 'node.log'), 'utf8'),
    /** The last lines of every node's log. */
    logs(lines = 15) {
      return names.map((name) => {
        const log = readFileSync(join(dir, name, 'node.log'), 'utf8').split('\n').slice(-lines).join('\n');
        return `--- ${name} ---\n${log}`;
      }).join('\n');
    },
    async stop() {
      await Promise.all(apis.map((api) => api.disconnect()));
      await run('bash', [script, 'stop', dir]).catch(() => {});
      // WATTLE_KEEP_TESTNET=1 keeps the folder (logs, databases) for a look after a failure.
      if (!process.env.WATTLE_KEEP_TESTNET) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      else console.log(`testnet folder kept: ${dir}`);
    },
  };
}

/** The number of the node's last finalized block. */
export async function finalizedNumber(api) {
  return (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
}

/** The number of the node's best block. */
export async function bestNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}
