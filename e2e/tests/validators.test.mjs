// Validator set changes on a running network: a fifth node, Eve's, generates session keys over
// its own RPC, Eve registers them with a proof that she holds them, root adds her, and she
// produces blocks and votes in GRANDPA; Charlie goes down, root removes him, and the four left
// keep finalizing. The clearing authorities follow the set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { submit, waitFor } from '../lib/node.mjs';
import { finalizedNumber, startTestnet } from '../lib/testnet.mjs';

let net;
let api;
let keyring;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  net = await startTestnet({ nodes: 5 });
  api = await net.connect(0);
});

after(async () => { await net?.stop(); });

/** Root's call through sudo; rejects with the pallet error the call failed with. */
async function sudo(call) {
  const { events } = await submit(api, api.tx.sudo.sudo(call), keyring.addFromUri('//Alice'));
  const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
  const result = sudid.event.data.sudoResult;
  if (result.isErr) {
    const error = result.asErr;
    if (!error.isModule) throw new Error(error.toString());
    const { section, name } = api.registry.findMetaError(error.asModule);
    throw new Error(`${section}.${name}`);
  }
}

const validators = async () => (await api.query.session.validators()).map((v) => v.toString());

/** The authorities of Aura, GRANDPA and clearing at the best block. */
async function authorityCounts() {
  const [aura, grandpa, clearing] = await Promise.all([
    api.query.aura.authorities(), api.call.grandpaApi.grandpaAuthorities(), api.query.clearing.authorities(),
  ]);
  return { aura: aura.length, grandpa: grandpa.length, clearing: clearing.length };
}

/**
 * The Aura key that sealed the best block: the authority of its slot among its parent's
 * authorities. Undefined while that block is being replaced.
 */
async function bestBlockAuraKey() {
  try {
    const header = await api.rpc.chain.getHeader();
    const preDigest = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
    const slot = api.createType('u64', preDigest.asPreRuntime[1]).toBigInt();
    const authorities = await (await api.at(header.parentHash)).query.aura.authorities();
    return authorities[Number(slot % BigInt(authorities.length))].toHex();
  } catch {
    return undefined;
  }
}

/** Waits until the node has finalized `count` more blocks. */
async function finalizes(count, timeoutMs = 120_000) {
  const from = await finalizedNumber(api);
  await waitFor(async () => (await finalizedNumber(api)) >= from + count, timeoutMs, 1_000);
}

test('a validator joins and votes, another leaves, and the network keeps finalizing', async (t) => {
  const eve = keyring.addFromUri('//Eve');
  const charlie = keyring.addFromUri('//Charlie');
  try {
    await finalizes(2);
    assert.deepEqual(await authorityCounts(), { aura: 4, grandpa: 4, clearing: 4 });

    // A careless operator adds an account that has no session keys: refused, nothing changes.
    await assert.rejects(sudo(api.tx.validators.addValidator(keyring.addFromUri('//Ferdie').address)), /validators\.NoSessionKeys/);

    // Eve's node starts with an empty keystore and makes her keys; the proof signs her account.
    await net.join('eve', 4);
    const eveRpc = new WsProvider(net.url(4));
    await eveRpc.isReady;
    const { keys, proof } = await eveRpc.send('author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
    await eveRpc.disconnect();
    await submit(api, api.tx.session.setKeys(keys, proof), eve);
    await sudo(api.tx.validators.addValidator(eve.address));
    await waitFor(async () => (await validators()).includes(eve.address), 60_000, 1_000);
    assert.deepEqual(await authorityCounts(), { aura: 5, grandpa: 5, clearing: 5 });

    // Eve produces blocks: Aura gives her one slot in five.
    const eveAuraKey = keys.slice(0, 2 + 64); // the session keys are aura, grandpa, clearing
    await waitFor(async () => (await bestBlockAuraKey()) === eveAuraKey, 120_000, 1_000);

    // Charlie goes down: four of five validators are left, GRANDPA needs four votes, so the
    // chain finalizes only if Eve votes.
    process.kill(net.pid('charlie'), 'SIGTERM');
    await finalizes(3);

    // Root removes Charlie, and the remaining four finalize without him.
    await sudo(api.tx.validators.removeValidator(charlie.address));
    await waitFor(async () => !(await validators()).includes(charlie.address), 60_000, 1_000);
    assert.deepEqual(await authorityCounts(), { aura: 4, grandpa: 4, clearing: 4 });
    await finalizes(3);
    await assert.rejects(sudo(api.tx.validators.removeValidator(charlie.address)), /validators\.NotValidator/);
  } catch (error) {
    t.diagnostic(net.logs());
    throw error;
  }
});
