// The settlement rule of docs/DESIGN.md, written again independently of the Rust pallet so that
// end-to-end tests check the chain's bills against the rule rather than against itself.
// All amounts are BigInt planck; energy BigInt Wh.

/**
 * One participant's bill for a slot.
 * position: { boughtWh, soldWh, gridFee } or null (no contract); gridFee in planck per Wh.
 * reading: { importedWh, exportedWh } or null (none recorded).
 * tariffs: { retailPrice, feedInPrice, missingReadingPenalty } in planck (per Wh).
 * capacityWh: what the connection can carry in the slot; a participant without a reading,
 * trading or not, counts as having drawn all of it and fed in nothing (and pays the penalty).
 * Returns the bill's parts and `net`, the change of the participant's total balance when it
 * can pay everything.
 */
export function settleParticipant(position, reading, price, tariffs, capacityWh) {
  const boughtWh = position?.boughtWh ?? 0n;
  const soldWh = position?.soldWh ?? 0n;
  const readingMissing = reading === null;
  if (readingMissing && typeof capacityWh !== 'bigint') throw new Error('capacityWh is needed');
  const { importedWh, exportedWh } = reading ?? { importedWh: capacityWh, exportedWh: 0n };
  const imbalanceWh = (exportedWh - importedWh) - (soldWh - boughtWh);
  const bill = {
    energyPaid: boughtWh * price,
    energyReceived: soldWh * price,
    gridFee: boughtWh * (position?.gridFee ?? 0n),
    imbalanceWh,
    imbalanceCharge: imbalanceWh < 0n ? -imbalanceWh * tariffs.retailPrice : 0n,
    imbalanceCredit: imbalanceWh > 0n ? imbalanceWh * tariffs.feedInPrice : 0n,
    penalty: readingMissing ? tariffs.missingReadingPenalty : 0n,
    readingMissing,
    importedWh,
    exportedWh,
  };
  bill.net = bill.energyReceived + bill.imbalanceCredit
    - bill.energyPaid - bill.gridFee - bill.imbalanceCharge - bill.penalty;
  return bill;
}

/**
 * What a stored bill (as @polkadot/api decodes it) changed its household's worth by: its free
 * and reserved balance plus what it had deposited in the escrow. What could not be collected
 * became debt and did not leave the account; what the operator could not pay never arrived.
 */
export function worthChange(bill) {
  const b = (field) => bill[field].toBigInt();
  return b('energyReceived') + b('imbalanceCredit') - b('energyPaid') - b('gridFee')
    - b('imbalanceCharge') - b('penalty') + b('debt') - b('unpaidByOperator');
}

/** What a stored bill changed its zone operator's balance by. */
export function operatorChange(bill) {
  const b = (field) => bill[field].toBigInt();
  return b('gridFee') + b('imbalanceCharge') + b('penalty') - b('imbalanceCredit')
    - b('debt') + b('unpaidByOperator');
}

/** Every bill of `slot`, by household address. */
export async function billsOf(api, slot) {
  const entries = await api.query.settlement.positions.entries(slot);
  return new Map(entries
    .filter(([, record]) => record.isSome && record.unwrap().bill.isSome)
    .map(([key, record]) => [key.args[1].toString(), record.unwrap().bill.unwrap()]));
}
