// The zone's tariffs, and setting them (participants.setTariffs): prices typed in WTL/kWh and
// the penalty in WTL, converted exactly to planck.
import { planckPerWhToPrice, planckToWtl, priceToPlanckPerWh, wtlToPlanck } from '../../lib/units.js';
import { card, fill, h } from '../dom.js';

const PRICES = [
  ['gridFee', 'Grid fee (WTL/kWh)'],
  ['retailPrice', 'Retail price (WTL/kWh)'],
  ['feedInPrice', 'Feed-in price (WTL/kWh)'],
  ['sellerCollateral', 'Seller collateral (WTL/kWh)'],
];

export function tariffsPanel(app) {
  const inputs = Object.fromEntries([...PRICES, ['missingReadingPenalty']].map(([key]) => [key, h('input', { id: `tariff-${key}`, inputmode: 'decimal', autocomplete: 'off' })]));
  const submit = h('button', { type: 'submit', id: 'tariffs-submit', text: 'Sign and set tariffs' });
  const statusEl = h('p', { id: 'tariffs-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { id: 'tariffs-form', novalidate: true },
    PRICES.map(([key, label]) => [h('label', { for: `tariff-${key}`, text: label }), inputs[key]]),
    h('label', { for: 'tariff-missingReadingPenalty', text: 'Missing reading penalty (WTL)' }), inputs.missingReadingPenalty,
    submit, statusEl);
  const el = card('tariffs', 'Tariffs', form);
  let zoneId = null;
  let shown = '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      const tariffs = Object.fromEntries(PRICES.map(([key]) => [key, priceToPlanckPerWh(inputs[key].value)]));
      tariffs.missingReadingPenalty = wtlToPlanck(inputs.missingReadingPenalty.value);
      app.sign(app.api.tx.participants.setTariffs(zoneId, tariffs), statusEl, submit, () => 'Tariffs set: they apply to orders placed from now on.');
    } catch (error) {
      fill(statusEl, h('span', { class: 'error', text: error.message }));
    }
  });
  return {
    el,
    render(zone) {
      const key = `${zone.id}:${Object.values(zone.tariffs).join(',')}`;
      zoneId = zone.id;
      submit.disabled = zone.operator !== app.account?.address;
      if (key === shown) return;
      shown = key;
      for (const [key] of PRICES) inputs[key].value = planckPerWhToPrice(zone.tariffs[key]).replace(/,/g, '');
      inputs.missingReadingPenalty.value = planckToWtl(zone.tariffs.missingReadingPenalty).replace(/,/g, '');
    },
  };
}
