/**
 * The canonical JSON form the history's hashes are taken over: RFC 8785 (JSON Canonicalization Scheme)
 * for the values events hold. Object keys are sorted by UTF-16 code units and written without spaces;
 * strings and numbers are written as ECMAScript's JSON.stringify writes them (which is what RFC 8785
 * prescribes); keys whose value is undefined are left out, as JSON.stringify leaves them out, so a value
 * and its stored JSON have the same canonical form.
 *
 * Written with loops and a cache of quoted keys rather than map and join: it runs for every event appended.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || typeof v === 'function') continue;
    if (out.length > 1) out += ',';
    out += quoted(key);
    out += ':';
    out += canonicalJson(v);
  }
  return `${out}}`;
}

function scalar(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('a number that JSON cannot hold');
  if (typeof value === 'bigint') throw new TypeError('a bigint in an event: JSON cannot hold it');
  return JSON.stringify(value) ?? 'null';
}

/** Events use a few hundred distinct keys: each is quoted once. */
const quotedKeys = new Map<string, string>();
function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, q);
  }
  return q;
}
