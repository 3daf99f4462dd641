// Chain errors in words: a module error is looked up in the metadata and shown with its docs
// (`PriceTooHigh` reads "The limit price is above the market's `max_price`.").

/** Docs lines joined into one sentence, Markdown backticks dropped. */
export const docsText = (docs) => docs.map(String).join(' ').replace(/`/g, '').replace(/\s+/g, ' ').trim();

/**
 * A dispatch error (from a transaction's result) as { name, text }; `registry` is the api's
 * registry (its findMetaError knows every pallet's errors and their docs).
 */
export function describeDispatchError(registry, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = registry.findMetaError(dispatchError.asModule);
    return { name: `${section}.${name}`, text: docsText(docs) || name };
  }
  if (dispatchError.isToken) return { name: `token.${dispatchError.asToken.type}`, text: tokenText(dispatchError.asToken.type) };
  if (dispatchError.isArithmetic) return { name: `arithmetic.${dispatchError.asArithmetic.type}`, text: 'An amount overflowed or underflowed.' };
  if (dispatchError.isBadOrigin) return { name: 'BadOrigin', text: 'This account may not make this call.' };
  return { name: dispatchError.type ?? 'DispatchError', text: dispatchError.toString() };
}

const TOKEN_TEXT = {
  FundsUnavailable: 'The account does not have the funds for this.',
  OnlyProvider: 'The account would be removed: keep its existential deposit.',
  BelowMinimum: 'The amount is below the existential deposit.',
  Frozen: 'The funds are frozen.',
};

const tokenText = (type) => TOKEN_TEXT[type] ?? `Token error: ${type}.`;

/** An error thrown before inclusion (pool rejection, extension refusal) as words. */
export function describeThrown(error) {
  const message = String(error?.message ?? error);
  if (/1010|Invalid Transaction/i.test(message)) {
    if (/Inability to pay some fees/i.test(message)) return 'The account cannot pay the transaction fee.';
    return `The node refused the transaction: ${message.replace(/^.*?:\s*/, '')}`;
  }
  if (/Cancelled|Rejected by user/i.test(message)) return 'Signing was cancelled.';
  return message;
}
