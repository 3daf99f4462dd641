// The transaction pool as a spammer meets it: raw bytes in over `author_submitExtrinsic` on a
// connection of its own (no @polkadot/api decoding, which does not re-encode general
// transactions byte for byte), each refusal named by the pool's reason, many in flight at a
// steady rate; and the runtime's own verdict on a transaction at a chosen block
// (`TaggedTransactionQueue_validate_transaction`), which is what the pool asks.
import { WsProvider } from '@polkadot/api';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { transactionHash } from './general-tx.mjs';

// The pool's 1010 messages (sp_runtime's InvalidTransaction) by the kind they report.
const INVALID_KINDS = [
  [/Invalid signing address/, 'BadSigner'],
  [/bad signature/, 'BadProof'],
  [/valid in the future/, 'Future'],
  [/outdated/, 'Stale'],
  [/[Cc]ustom error:? *(\d+)/, (m) => `Custom(${m[1]})`],
  [/Inability to pay some fees/, 'Payment'],
  [/did not authorize any origin/, 'UnknownOrigin'],
  [/call is not expected/, 'Call'],
  [/exhaust the block limits/, 'ExhaustsResources'],
  [/ancient birth block/, 'AncientBirthBlock'],
];

/**
 * A short name for why the pool refused a transaction: an InvalidTransaction kind for code 1010,
 * else `Undecodable` (1002: the runtime could not decode it), `NoUnsignedValidator` (1011),
 * `Banned` (1012), `AlreadyImported` (1013), `PriorityTooLow` (1014), or the message itself.
 */
export function refusalKind(message) {
  const code = Number(/^(\d+):/.exec(message)?.[1]);
  if (code === 1010) {
    for (const [pattern, kind] of INVALID_KINDS) {
      const match = pattern.exec(message);
      if (match) return typeof kind === 'function' ? kind(match) : kind;
    }
  }
  const byCode = { 1002: 'Undecodable', 1012: 'Banned', 1013: 'AlreadyImported', 1014: 'PriorityTooLow' };
  if (code === 1011 && /NoUnsignedValidator/.test(message)) return 'NoUnsignedValidator';
  return byCode[code] ?? `other: ${message.slice(0, 120)}`;
}

/** A JSON-RPC connection for raw transactions and raw blocks. */
export class RawRpc {
  static async connect(wsUrl) {
    const provider = new WsProvider(wsUrl, 1_000, {}, 30_000);
    await provider.isReady;
    return new RawRpc(provider);
  }

  constructor(provider) {
    this.provider = provider;
  }

  /** Hands `hex` to the pool: `{ hash }` if it took it, `{ refused }` (a refusalKind) if not. */
  async submit(hex) {
    try {
      return { hash: await this.provider.send('author_submitExtrinsic', [hex]) };
    } catch (error) {
      return { refused: refusalKind(error.message), message: error.message };
    }
  }

  /** What the pool holds, hex. */
  pending() {
    return this.provider.send('author_pendingExtrinsics', []);
  }

  /** The extrinsics of block `hash` as the node stored them, hex. */
  async extrinsics(hash) {
    const { block } = await this.provider.send('chain_getBlock', [hash.toString()]);
    return block.extrinsics;
  }

  disconnect() {
    return this.provider.disconnect();
  }
}

/**
 * Submits every `{ kind, hex }` of `jobs` in order, at most `ratePerSec` a second and
 * `maxInFlight` at once, and resolves with one record per job: `{ kind, hash, sentAt, doneAt,
 * refused, accepted }` (times in ms since the epoch, `hash` the transaction's own).
 */
export async function flood(rpc, jobs, { ratePerSec = 300, maxInFlight = 64 } = {}) {
  const records = new Array(jobs.length);
  const start = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      const due = start + (index * 1000) / ratePerSec;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const { kind, hex } = jobs[index];
      const sentAt = Date.now();
      const verdict = await rpc.submit(hex);
      records[index] = { kind, hash: transactionHash(hex), sentAt, doneAt: Date.now(), refused: verdict.refused, accepted: verdict.hash };
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxInFlight, jobs.length) }, worker));
  return records;
}

/**
 * What the runtime says of transaction `hex` on top of block `at`, as the pool would ask it for a
 * transaction from outside: `{ ok: { priority, requires, provides, longevity } }` or `{ invalid }`.
 */
export async function validateAt(api, hex, at) {
  const source = api.createType('TransactionSource', 'External').toU8a();
  const input = u8aToHex(u8aConcat(source, hexToU8a(hex), hexToU8a(at.toString())));
  const output = await api.rpc.state.call('TaggedTransactionQueue_validate_transaction', input, at);
  const validity = api.createType('TransactionValidity', output);
  if (validity.isOk) {
    const valid = validity.asOk;
    return {
      ok: {
        priority: valid.priority.toBigInt(),
        requires: valid.requires.map((tag) => tag.toHex()),
        provides: valid.provides.map((tag) => tag.toHex()),
        longevity: valid.longevity.toBigInt(),
      },
    };
  }
  const error = validity.asErr;
  if (error.isUnknown) return { unknown: error.asUnknown.type };
  const invalid = error.asInvalid;
  return { invalid: invalid.isCustom ? `Custom(${invalid.asCustom.toNumber()})` : invalid.type };
}
