// Backup and restore as an operator does it: a dev node runs the market until a slot is settled
// and stops; its blocks are exported (`wattle-node export-blocks`) and imported into an empty
// database (`import-blocks`, which executes every block again); with the keystore copied over,
// the restored node holds the same chain and state and goes on producing and settling.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { nodeBinary, startNode, waitFor } from '../lib/node.mjs';

const run = promisify(execFile);
const folder = mkdtempSync(join(tmpdir(), 'wattle-backup-'));
let node;
after(async () => {
  if (node) await node.stop();
  rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

test('exported blocks restore the chain into an empty database, which goes on', { timeout: 360_000 }, async () => {
  const original = join(folder, 'original');
  const restored = join(folder, 'restored');
  const backup = join(folder, 'blocks.bin');
  node = await startNode({ basePath: original });
  let { api } = node;
  await waitFor(async () => {
    const next = await api.query.settlement.nextSlotToSettle();
    return next.isSome && (await api.query.settlement.slotTotalsOf(next.unwrap().toBigInt() - 1n)).isSome;
  }, 180_000, 1_000);
  const settledSlot = (await api.query.settlement.nextSlotToSettle()).unwrap().toBigInt() - 1n;
  const stopped = await api.rpc.chain.getHeader();
  await node.stop();
  node = null;

  await run(nodeBinary(), ['export-blocks', '--dev', '--base-path', original, '--binary', '--from', '1', backup]);
  const imported = await run(nodeBinary(), ['import-blocks', '--dev', '--base-path', restored, '--binary', backup], { maxBuffer: 64 * 1024 * 1024 });
  assert.match(imported.stdout + imported.stderr, /Imported \d+ blocks/, 'import-blocks executed the blocks');
  // A validator's keys live in its keystore and its peer identity in `network`, not in the
  // blocks: an operator backs both up with the blocks (the dev node's keys come from --alice).
  for (const folderName of ['keystore', 'network']) {
    cpSync(join(original, 'chains', 'wattle_dev', folderName), join(restored, 'chains', 'wattle_dev', folderName), { recursive: true });
  }

  node = await startNode({ basePath: restored });
  ({ api } = node);
  const number = stopped.number.toNumber();
  assert.equal((await api.rpc.chain.getBlockHash(number)).toHex(), stopped.hash.toHex(), 'the same chain');
  const totals = await api.query.settlement.slotTotalsOf(settledSlot);
  assert.ok(totals.isSome, 'the settled slot\'s totals are in the restored state');
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitFor(async () => (await api.rpc.chain.getHeader()).number.toNumber() >= best + 2, 60_000, 1_000);
  await waitFor(async () => (await api.query.settlement.nextSlotToSettle()).unwrap().toBigInt() > settledSlot + 1n, 150_000, 1_000);
});

