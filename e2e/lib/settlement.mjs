// The settlement rule of docs/DESIGN.md, written again independently of the Rust pallet so that
// end-to-end tests check the chain's bills against the rule rather than against itself.
// All amounts are BigInt planck; energy BigInt Wh.

/**
 * One participant's bill for a slot.
 * position: { boughtWh, soldWh, gridFee } or null (no contract); gridFee in planck per Wh.
 * reading: { importedWh, exportedWh } or null (none recorded).
 * tariffs: { retailPrice, feedInPrice, missingReadingPenalty } in planck (per Wh).
 * Returns the bill's parts and `net`, the change of the participant's total balance when it
 * can pay everything.
 */
export function settleParticipant(position, reading, price, tariffs) {
  const boughtWh = position?.boughtWh ?? 0n;
  const soldWh = position?.soldWh ?? 0n;
  const readingMissing = position !== null && reading === null;
  const importedWh = reading?.importedWh ?? 0n;
  const exportedWh = reading?.exportedWh ?? 0n;
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
  };
  bill.net = bill.energyReceived + bill.imbalanceCredit
    - bill.energyPaid - bill.gridFee - bill.imbalanceCharge - bill.penalty;
  return bill;
}
