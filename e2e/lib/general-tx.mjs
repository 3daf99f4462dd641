// General transactions (extrinsic format v5 with no signer): how the runtime's fee-less authorized
// calls (`#[pallet::authorize]`, such as `clearing.submitResultAsAuthority`) travel. @polkadot/api
// 16.5 decodes them, but encodes a decoded one with a second length and version in front and
// cannot build one for this runtime's extensions, so they are built here byte by byte:
// compact(length) ++ 0x45 (general, v5) ++ the extension version ++ each transaction extension's
// explicit data in the metadata's order ++ the call. The extensions and their types come from the
// metadata, so a runtime that adds one makes this throw instead of building a wrong transaction.
import { blake2AsHex } from '@polkadot/util-crypto';
import { compactAddLength, u8aConcat, u8aToHex } from '@polkadot/util';

const GENERAL_V5 = 0b0100_0000 | 5;

// What a transaction without a signer puts in each extension that carries data: the same as the
// runtime's own `CreateAuthorizedTransaction::create_extension` (runtime/src/configs/market.rs).
const UNSIGNED_EXPLICIT = {
  CheckMortality: '0x00', // immortal: the pool's own validity (longevity) bounds it
  CheckNonce: 0,
  ChargeTransactionPayment: 0, // the tip
  CheckMetadataHash: { mode: 'Disabled' },
};

/**
 * The extension version the runtime builds with and the explicit bytes each extension takes;
 * `overrides` puts other values in (say a tip in `ChargeTransactionPayment`), by extension name.
 */
export function generalExtensions(api, overrides = {}) {
  const explicit = { ...UNSIGNED_EXPLICIT, ...overrides };
  const { extrinsic } = api.registry.metadata;
  const byVersion = extrinsic.transactionExtensionsByVersion;
  // The runtime has one version (0); the first is the one `CreateAuthorizedTransaction` builds.
  const [version, indices] = [...byVersion.entries()][0];
  const parts = [...indices].map((index) => {
    const { identifier, type } = extrinsic.transactionExtensions[index.toNumber()];
    const name = identifier.toString();
    const typeName = api.registry.createLookupType(type);
    if (api.registry.lookup.getTypeDef(type).type === 'Null') return { name, bytes: new Uint8Array() };
    if (!(name in explicit)) throw new Error(`extension ${name} carries data this builder does not know`);
    return { name, bytes: api.createType(typeName, explicit[name]).toU8a() };
  });
  return { version: version.toNumber(), parts };
}

// By registry: a runtime upgrade gives the api a new one, with the new metadata.
const defaultExtensions = new WeakMap();

/**
 * The SCALE bytes of a general transaction of `call` (a SubmittableExtrinsic or a Call), as hex,
 * with the extensions' data of `generalExtensions`.
 */
export function generalTransaction(api, call, extensions) {
  if (!extensions) {
    if (!defaultExtensions.has(api.registry)) defaultExtensions.set(api.registry, generalExtensions(api));
    extensions = defaultExtensions.get(api.registry);
  }
  // A SubmittableExtrinsic carries its Call in `method`; a Call's own `method` is its name.
  const method = typeof call.method?.toU8a === 'function' ? call.method : call;
  const body = u8aConcat(
    new Uint8Array([GENERAL_V5, extensions.version]),
    ...extensions.parts.map((part) => part.bytes),
    method.toU8a(),
  );
  return u8aToHex(compactAddLength(body));
}

/** A transaction's hash as the pool and the blocks know it: blake2-256 of its bytes. */
export const transactionHash = (hex) => blake2AsHex(hex, 256);
