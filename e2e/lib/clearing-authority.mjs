// What a clearing authority's off-chain worker sends (pallets/clearing/src/offchain.rs), done from
// a test: sign a slot's result with an sr25519 key over the bytes of `signing_payload` (the 15
// ASCII bytes `wattle/clearing`, the 32-byte genesis hash, the slot as a little-endian u64, then
// the SCALE-encoded `SplitResult`) and wrap `clearing.submitResultAsAuthority` in a general
// transaction. Tests use it to send results the pool must refuse, and valid ones it must not
// take twice.
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { generalTransaction } from './general-tx.mjs';

/** The type of the call's `result` argument, as the metadata names it. */
const resultType = (api) => api.tx.clearing.submitResultAsAuthority.meta.args[1].type.toString();

/** The bytes an authority signs for `result` of `slot` on the chain of `genesisHash`. */
export function resultPayload(api, slot, result, genesisHash = api.genesisHash.toU8a()) {
  return u8aConcat(
    stringToU8a('wattle/clearing'),
    genesisHash,
    bnToU8a(BigInt(slot), { bitLength: 64, isLe: true }),
    api.createType(resultType(api), result).toU8a(),
  );
}

/**
 * A general transaction submitting `result` for `slot` as `authority` (a public key; by default
 * the signer's own), signed by `signer` over `payload` (by default the right bytes), as hex.
 */
export function authorityResultTx(api, { slot, result, signer, authority = signer.publicKey, payload }) {
  const signature = signer.sign(payload ?? resultPayload(api, slot, result));
  const call = api.tx.clearing.submitResultAsAuthority(slot, result, u8aToHex(authority), u8aToHex(signature));
  return generalTransaction(api, call);
}
