// Signs and sends a transaction with the chosen account and reports its progress; a refusal
// (in the pool or in the block) becomes an Error whose message is the metadata's docs.
import { describeDispatchError, describeThrown } from '../lib/errors.js';

/** An Error for a failed dispatch, carrying `name` (pallet.Error) and its docs as message. */
export class ChainError extends Error {
  constructor({ name, text }) {
    super(text);
    this.chainName = name;
  }
}

/**
 * Signs `tx` with `account` ({ pair } for dev accounts, { address, signer } for extension
 * ones) and resolves with { blockHash, events } once it is in a block; `onStatus(text)` hears
 * each step. Rejects with a ChainError if the dispatch failed.
 */
export function send(api, tx, account, onStatus = () => {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe = null;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      if (unsubscribe) unsubscribe();
      fn(value);
    };
    const [who, options] = account.pair ? [account.pair, {}] : [account.address, { signer: account.signer }];
    onStatus('Signing…');
    tx.signAndSend(who, options, (result) => {
      if (result.status.isReady || result.status.isBroadcast) onStatus('Sent, waiting for a block…');
      if (result.status.isInvalid || result.status.isDropped || result.status.isUsurped) {
        finish(reject, new Error(`The transaction was ${result.status.type.toLowerCase()} by the node.`));
      }
      if (!result.status.isInBlock) return;
      if (result.dispatchError) {
        finish(reject, new ChainError(describeDispatchError(api.registry, result.dispatchError)));
      } else {
        finish(resolve, { blockHash: result.status.asInBlock.toHex(), events: result.events });
      }
    }).then((unsub) => {
      unsubscribe = unsub;
      if (done) unsub();
    }, (error) => finish(reject, new Error(describeThrown(error))));
  });
}
