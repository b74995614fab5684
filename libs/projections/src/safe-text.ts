import { Row, Value } from './projection';

/**
 * Text the read stores can hold, the same on every store. PostgreSQL refuses U+0000 in TEXT
 * (`invalid byte sequence for encoding "UTF8": 0x00`), and a lone UTF-16 surrogate has no UTF-8 form;
 * SQLite keeps the first (though its string functions stop at it) and stores the second as bytes that
 * are not UTF-8, which read back as three U+FFFD. Events already recorded (and other writers') may carry
 * either, and a projection must never stall on a valid event, so each becomes one U+FFFD, the
 * replacement character, on the way in: on SQLite, on PostgreSQL and in memory alike.
 */
/* eslint-disable no-control-regex -- U+0000 is exactly what these look for */
const UNSAFE = /[\u0000\uD800-\uDFFF]/;
const UNSAFE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

export const safeText = (s: string): string => (UNSAFE.test(s) ? s.replace(UNSAFE_ALL, '\uFFFD') : s);

/** JSON writes U+0000 and a lone surrogate as escapes; a backslash before such text also matches, and is only slower. */
const ESCAPED_UNSAFE = /\\u(0000|d[89a-f])/i;

/**
 * A JSON column's text, with every string value in it made safe (keys are escaped by JSON itself). Plain
 * `JSON.stringify` first: a replacer function costs several times as much, and is only needed when the
 * text shows an escape of something unsafe.
 */
function safeJson(v: object): string {
  const text = JSON.stringify(v);
  return ESCAPED_UNSAFE.test(text) ? JSON.stringify(v, (_, x: unknown) => (typeof x === 'string' ? safeText(x) : x)) : text;
}

/**
 * A value as a SQL parameter, for both read stores: text made safe, JSON as text, null for missing.
 * Booleans stay booleans (the SQLite store writes them as 1 and 0).
 */
export function sqlValue(v: Value | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return safeText(v);
  if (typeof v === 'object') return safeJson(v);
  return v;
}

/** A row as the read stores give it back (for rows kept in memory): the same text as they would hold. */
export function safeRow(row: Row): Row {
  let out: Row | undefined;
  for (const [c, v] of Object.entries(row)) {
    if (!unsafe(v)) continue;
    out ??= { ...row };
    out[c] = typeof v === 'string' ? safeText(v) : (JSON.parse(safeJson(v as object)) as Value);
  }
  return out ?? row;
}

function unsafe(v: unknown): boolean {
  if (typeof v === 'string') return UNSAFE.test(v) && safeText(v) !== v;
  if (v !== null && typeof v === 'object') return Object.values(v).some(unsafe);
  return false;
}
