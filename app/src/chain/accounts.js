// The accounts the app can sign with: those of a browser extension that implements the
// injected-accounts interface (Polkadot{.js} and others, through @polkadot/extension-dapp), and,
// on a development chain only, the well-known dev accounts. The app never asks for a secret.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The well-known accounts of a dev chain, with what the dev preset makes of them. */
export const DEV_ACCOUNTS = [
  ['Alice', 'zone 0 operator'],
  ['Bob', 'prosumer'],
  ['Charlie', 'consumer'],
  ['Dave', 'producer'],
  ['Eve', 'prosumer'],
  ['Ferdie', 'consumer'],
];

/** Whether the chain is one whose well-known dev accounts are public knowledge. */
export async function isDevChain(api) {
  const type = await api.rpc.system.chainType();
  return type.isDevelopment || type.isLocal;
}

/** The dev accounts as signers, each { address, name, source: 'dev', pair }. */
export async function devAccounts() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return DEV_ACCOUNTS.map(([name, note]) => {
    const pair = keyring.addFromUri(`//${name}`);
    return { address: pair.address, name, note, source: 'dev', pair };
  });
}

/** Accounts of injected extensions, each { address, name, source, signer }; [] without any. */
export async function extensionAccounts(appName = 'Wattle') {
  if (typeof window === 'undefined' || !window.injectedWeb3 || Object.keys(window.injectedWeb3).length === 0) return [];
  const { web3Enable, web3Accounts, web3FromSource } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable(appName);
  if (extensions.length === 0) return [];
  const accounts = await web3Accounts({ ss58Format: 42 });
  return Promise.all(accounts.map(async (a) => ({
    address: a.address,
    name: a.meta.name ?? a.address.slice(0, 8),
    note: a.meta.source,
    source: a.meta.source,
    signer: (await web3FromSource(a.meta.source)).signer,
  })));
}

/** Every account to offer: extension accounts first, then dev accounts on a dev chain. */
export async function loadAccounts(api) {
  const [injected, dev] = await Promise.all([
    extensionAccounts().catch(() => []),
    isDevChain(api).then((yes) => (yes ? devAccounts() : [])),
  ]);
  return [...injected, ...dev];
}
