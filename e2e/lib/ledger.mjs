// What accounts hold, as end-to-end tests weigh settlement: balances, the deposits a slot's
// orders left in the market's escrow, and the state between two settlement walks.
import { encodeAddress } from '@polkadot/util-crypto';
import { waitFor } from './node.mjs';

/** Free plus reserved balance of `address`, in planck. */
export async function totalBalance(api, address) {
  const { data } = await api.query.system.account(address);
  return data.free.toBigInt() + data.reserved.toBigInt();
}

/** What `address`'s orders of `slot` deposited in the escrow, while the slot is unsettled. */
export async function deposited(api, slot, address) {
  const record = await api.query.settlement.positions(slot, address);
  if (record.isNone || record.unwrap().bill.isSome) return 0n;
  return record.unwrap().deposit.toBigInt();
}

/** The state at the newest block in which no settlement walk is under way. */
export async function betweenWalks(api) {
  let at;
  await waitFor(async () => {
    at = await api.at(await api.rpc.chain.getBlockHash());
    return (await at.query.settlement.inProgress()).isNone;
  }, 30_000, 500);
  return at;
}

/** What `address` is worth while `slot` is unsettled: its balance and its deposits for the slot. */
export async function worthIn(api, slot, address) {
  return (await totalBalance(api, address)) + (await deposited(api, slot, address));
}

/**
 * The ledger before `slot` is settled, at a block between two settlement walks: what each of
 * `addresses` is worth, the escrow's balance, what their orders of the slot deposited, and the
 * first slot that will be settled from here on (every slot up to `slot` is, while a test waits).
 */
export async function ledgerBefore(api, slot, addresses) {
  const at = await betweenWalks(api);
  const worth = new Map(await Promise.all(addresses.map(async (a) => [a, await worthIn(at, slot, a)])));
  const escrow = await totalBalance(at, escrowAddress());
  const deposits = (await Promise.all(addresses.map((a) => deposited(at, slot, a)))).reduce((s, d) => s + d, 0n);
  const firstSettledSlot = (await at.query.settlement.nextSlotToSettle()).unwrap().toBigInt();
  return { worth, escrow, deposits, firstSettledSlot };
}

/** The escrow's address: the account of PalletId `wtl/mrkt` ("modl" ++ id, zero-padded). */
export function escrowAddress() {
  const bytes = new Uint8Array(32);
  bytes.set(new TextEncoder().encode('modlwtl/mrkt'));
  return encodeAddress(bytes, 42);
}

/** The first slot whose gate closes at least `marginSecs` from now, with the market's timing. */
export async function slotClosingAfter(api, marginSecs) {
  const config = await api.query.orders.configuration();
  const slotSecs = BigInt(config.slotSecs.toNumber());
  const gate = BigInt(config.gateClosureSecs.toNumber());
  const windowSecs = BigInt(config.meteringWindowSecs.toNumber());
  let slot = BigInt(Math.floor(Date.now() / 1000)) / slotSecs + 1n;
  while (Number(slot * slotSecs - gate) - Date.now() / 1000 < marginSecs) slot++;
  return { slot, slotSecs, gate, windowSecs };
}
