// The settlement rule of docs/DESIGN.md, written again independently of the Rust pallet so that
// end-to-end tests check the chain's bills against the rule rather than against itself.
// All amounts are BigInt planck; energy BigInt Wh.

/**
 * One participant's bill for a slot.
 * position: { boughtWh, soldWh, gridFee } or null (no contract); gridFee in planck per Wh.
 * reading: { importedWh, exportedWh } or null (none recorded).
 * tariffs: { retailPrice, feedInPrice, missingReadingPenalty } in planck (per Wh).
 * capacityWh: what the connection can carry in the slot; a participant with a position and no
 * reading counts as having drawn all of it and fed in nothing (and pays the penalty).
 * Returns the bill's parts and `net`, the change of the participant's total balance when it
 * can pay everything.
 */
export function settleParticipant(position, reading, price, tariffs, capacityWh) {
  const boughtWh = position?.boughtWh ?? 0n;
  const soldWh = position?.soldWh ?? 0n;
  const readingMissing = position !== null && reading === null;
  const metered = reading ?? (readingMissing ? { importedWh: capacityWh, exportedWh: 0n } : null);
  const importedWh = metered?.importedWh ?? 0n;
  const exportedWh = metered?.exportedWh ?? 0n;
  if (readingMissing && typeof capacityWh !== 'bigint') throw new Error('capacityWh is needed');
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
