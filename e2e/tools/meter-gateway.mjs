#!/usr/bin/env node
// A meter gateway: signs readings with meter keys and relays them through an oracle account.
//
//   node e2e/tools/meter-gateway.mjs [--ws URL] [--oracle SURI] --slot N READING...
//
// READING is ACCOUNT:IMPORTED_WH:EXPORTED_WH. ACCOUNT is a dev name (Bob) or a secret URI
// (//Bob, or a mnemonic); its meter key is ACCOUNT's URI plus `//meter` unless --meter-suffix
// says otherwise. Prints each reading's outcome (recorded, or rejected with the reason).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { signReading } from '../lib/meter.mjs';

function parseArgs(argv) {
  const options = { ws: 'ws://127.0.0.1:9944', oracle: '//Alice', meterSuffix: '//meter', readings: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--ws') options.ws = argv[++i];
    else if (arg === '--oracle') options.oracle = argv[++i];
    else if (arg === '--slot') options.slot = BigInt(argv[++i]);
    else if (arg === '--meter-suffix') options.meterSuffix = argv[++i];
    else if (arg === '--help' || arg === '-h') options.help = true;
    else options.readings.push(arg);
  }
  return options;
}

export async function relayReadings(api, oracle, slot, specs, meterSuffix = '//meter') {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const genesisHash = api.genesisHash.toU8a();
  const readings = specs.map((spec) => {
    const [account, imported, exported] = spec.split(':');
    const uri = account.startsWith('//') || account.includes(' ') ? account : `//${account}`;
    const who = keyring.addFromUri(uri);
    const meter = keyring.addFromUri(`${uri}${meterSuffix}`);
    return signReading(meter, genesisHash, who.address, slot, imported, exported);
  });
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    api.tx.metering.submitReadings(readings).signAndSend(oracle, ({ status, events, dispatchError }) => {
      if (!status.isInBlock) return;
      unsubscribe();
      if (dispatchError) {
        const detail = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(detail ? `${detail.section}.${detail.name}` : dispatchError.toString()));
        return;
      }
      resolve(events.map(({ event }) => event).filter((event) => event.section === 'metering'));
    }).then((unsub) => { unsubscribe = unsub; }, reject);
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help || options.slot === undefined || options.readings.length === 0) {
    console.error('usage: meter-gateway.mjs [--ws URL] [--oracle SURI] --slot N ACCOUNT:IMPORTED_WH:EXPORTED_WH...');
    process.exit(2);
  }
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(options.ws), noInitWarn: true });
  const oracle = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(options.oracle);
  try {
    const events = await relayReadings(api, oracle, options.slot, options.readings, options.meterSuffix);
    for (const event of events) console.log(`${event.method} ${JSON.stringify(event.data.toHuman())}`);
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => { console.error(error.message); process.exit(1); });
}
