/**
 * The canonical JSON form the history's hashes are taken over: RFC 8785 (JSON Canonicalization Scheme)
 * for the values events hold. Object keys are sorted by UTF-16 code units and written without spaces;
 * strings and numbers are written as ECMAScript's JSON.stringify writes them (which is what RFC 8785
 * prescribes); keys whose value is undefined are left out, as JSON.stringify leaves them out, so a value
 * and its stored JSON have the same canonical form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('a number that JSON cannot hold');
    if (typeof value === 'bigint') throw new TypeError('a bigint in an event: JSON cannot hold it');
    return JSON.stringify(value) ?? 'null';
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const v = (value as Record<string, unknown>)[key];
      return v === undefined || typeof v === 'function' ? [] : [`${JSON.stringify(key)}:${canonicalJson(v)}`];
    });
  return `{${entries.join(',')}}`;
}
