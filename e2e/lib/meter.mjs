// What a smart meter does: sign its reading for a slot with its own sr25519 key, over the bytes
// of the interface contract: the 14 ASCII bytes `wattle/reading`, the 32-byte genesis hash, the
// 32-byte account id, then slot, imported_wh and exported_wh as little-endian u64.
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';

const u64 = (value) => bnToU8a(BigInt(value), { bitLength: 64, isLe: true });

/** The bytes a meter signs for `participant`'s reading of `slot`. */
export function readingPayload(genesisHash, participant, slot, importedWh, exportedWh) {
  return u8aConcat(
    stringToU8a('wattle/reading'),
    genesisHash,
    decodeAddress(participant),
    u64(slot),
    u64(importedWh),
    u64(exportedWh),
  );
}

/** A reading as `Metering.submit_readings` takes it, signed by `meterPair`. */
export function signReading(meterPair, genesisHash, participant, slot, importedWh, exportedWh) {
  const payload = readingPayload(genesisHash, participant, slot, importedWh, exportedWh);
  return {
    participant,
    slot: BigInt(slot),
    importedWh: BigInt(importedWh),
    exportedWh: BigInt(exportedWh),
    signature: u8aToHex(meterPair.sign(payload)),
  };
}

/** Waits until a slot has just ended and its metering window has most of its time left; returns it. */
export async function justEndedSlot(api) {
  const config = await api.query.orders.configuration();
  const slotSecs = config.slotSecs.toNumber();
  const window = config.meteringWindowSecs.toNumber();
  for (;;) {
    const now = Date.now() / 1000;
    const intoSlot = now % slotSecs;
    // Leave two blocks of margin for inclusion before the window closes.
    if (intoSlot >= 1 && intoSlot < window - 14) return BigInt(Math.floor(now / slotSecs) - 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
