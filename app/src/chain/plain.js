// Decoded SCALE values (Polkadot-JS codecs) as plain JavaScript: integers as BigInt, bool as
// boolean, Option as value-or-null, structs as objects, vectors and tuples as arrays, basic enums
// as their variant's name and others as { type, value }, accounts as SS58 strings.

/** The plain value of a codec. */
export function toPlain(codec) {
  if (codec === null || codec === undefined) return null;
  if (isOption(codec)) return codec.isSome ? toPlain(codec.unwrap()) : null;
  const raw = codec.toRawType();
  if (raw === 'bool') return codec.isTrue;
  if (raw === 'Null') return null;
  if (/^(AccountId|AccountId32|Address|MultiAddress)$/.test(raw)) return codec.toString();
  if (typeof codec.toBigInt === 'function' && /^(Compact<)?[ui]\d+>?$/.test(raw)) return codec.toBigInt();
  if (isEnum(codec)) return codec.isBasic ? codec.type : { type: codec.type, value: toPlain(codec.inner) };
  if (codec instanceof Map) return Object.fromEntries([...codec.entries()].map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(codec)) return codec.map(toPlain);
  if (codec instanceof Uint8Array) return codec.toHex();
  return codec.toString();
}

const isOption = (c) => typeof c.isNone === 'boolean' && typeof c.isSome === 'boolean' && typeof c.unwrap === 'function';
const isEnum = (c) => typeof c.isBasic === 'boolean' && typeof c.type === 'string' && 'inner' in c;

/** A number for slots, times and counts (they stay far below 2^53). */
export const num = (value) => Number(value);
