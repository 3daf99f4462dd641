// A settled bill (settlement.bills(slot, who), also in MarketApi.position) as the lines of the
// settlement rule of docs/DESIGN.md, each with its quantity, rate and signed amount (BigInt
// planck: positive is money to the household, negative money from it).
import { energyText, priceText } from './units.js';

/** Signed line amounts; `net` is the change of the household's total balance. */
export function billAmounts(bill) {
  const lines = {
    energyPaid: -bill.energyPaid,
    energyReceived: bill.energyReceived,
    gridFee: -bill.gridFee,
    imbalanceCharge: -bill.imbalanceCharge,
    imbalanceCredit: bill.imbalanceCredit,
    penalty: -bill.penalty,
  };
  const net = Object.values(lines).reduce((sum, amount) => sum + amount, 0n);
  return { ...lines, net };
}

/** The rate a line's energy was charged at, when the bill names it (price per Wh or null). */
const per = (amount, wh) => (wh !== 0n && amount % wh === 0n ? amount / wh : null);

/**
 * Every line of the settlement rule, in its order: { key, label, detail, amount }, the net
 * (the change of the household's total balance) last. Lines that came to nothing are kept,
 * at 0, so that every bill reads the same way.
 */
export function billLines(bill) {
  const a = billAmounts(bill);
  const imbalance = bill.imbalanceWh < 0n ? -bill.imbalanceWh : bill.imbalanceWh;
  return [
    { key: 'energyPaid', label: 'Energy bought', detail: `${energyText(bill.boughtWh)} × ${priceText(bill.price)}`, amount: a.energyPaid },
    { key: 'energyReceived', label: 'Energy sold', detail: `${energyText(bill.soldWh)} × ${priceText(bill.price)}`, amount: a.energyReceived },
    { key: 'gridFee', label: 'Grid fee', detail: rated(bill.boughtWh, bill.gridFee, 'grid fee'), amount: a.gridFee },
    { key: 'imbalanceCharge', label: 'Drawn beyond the contract', detail: rated(bill.imbalanceWh < 0n ? imbalance : 0n, bill.imbalanceCharge, 'retail price'), amount: a.imbalanceCharge },
    { key: 'imbalanceCredit', label: 'Fed in beyond the contract', detail: rated(bill.imbalanceWh > 0n ? imbalance : 0n, bill.imbalanceCredit, 'feed-in price'), amount: a.imbalanceCredit },
    { key: 'penalty', label: 'Missing meter reading', detail: bill.readingMissing ? 'no reading: flat penalty' : 'reading received', amount: a.penalty },
    { key: 'net', label: 'Net for the slot', detail: 'to you (+) or from you (−)', amount: a.net },
  ];
}

function rated(wh, amount, what) {
  const rate = per(amount, wh);
  return rate === null ? `${energyText(wh)} (${what})` : `${energyText(wh)} × ${priceText(rate)} (${what})`;
}

/**
 * How the bill was paid: from the slot's order holds, the free balance, what became debt, and
 * what the operator could not pay of its credit.
 */
export function billPayment(bill) {
  return [
    { key: 'paidFromHold', label: 'Paid from order holds', amount: bill.paidFromHold },
    { key: 'paidFromBalance', label: 'Paid from free balance', amount: bill.paidFromBalance },
    { key: 'debt', label: 'Left as debt', amount: bill.debt },
    { key: 'unpaidByOperator', label: 'Credit the operator could not pay', amount: bill.unpaidByOperator },
  ];
}

/** The meter's side of the bill: imported, exported, measured and contracted net export. */
export function billEnergy(bill) {
  return {
    importedWh: bill.importedWh,
    exportedWh: bill.exportedWh,
    measuredNetWh: bill.exportedWh - bill.importedWh,
    contractedNetWh: bill.soldWh - bill.boughtWh,
    imbalanceWh: bill.imbalanceWh,
    readingMissing: bill.readingMissing,
  };
}
