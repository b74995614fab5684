import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';
import { eventHash } from './chain';

describe('the canonical JSON form (RFC 8785 for the values events hold)', () => {
  it('sorts keys by UTF-16 code units at every depth, keeps array order, and writes no spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: '赣' }, A: 'x' })).toBe(
      '{"A":"x","a":{"c":"赣","d":[3,{"y":true,"z":null}]},"b":1}',
    );
    // Code units, not code points or locale: U+20AC (€) sorts before U+1F600, whose high surrogate is 0xD83D.
    expect(canonicalJson({ '😀': 1, '€': 2, '\r': 3 })).toBe('{"\\r":3,"€":2,"😀":1}');
  });

  it('leaves out what JSON.stringify leaves out, so a value and its stored JSON hash alike', () => {
    const value = { a: 1, gone: undefined, list: [undefined, 2], when: new Date('2011-06-30T00:00:00Z') };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it('refuses what JSON cannot hold rather than hash something else', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });
});

describe('an event hash', () => {
  const event = {
    streamName: 'loan-1',
    revision: 0n,
    id: 'e-1',
    type: 'LoanApplied',
    data: { principal: 5_000_000 },
    metadata: { by: 'a' },
  };

  it('is SHA-256 over the stated canonical form, so anyone can recompute it without this program', () => {
    const text =
      '{"data":{"principal":5000000},"id":"e-1","metadata":{"by":"a"},"prev":null,"revision":0,"stream":"loan-1","type":"LoanApplied"}';
    expect(eventHash(null, event)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('changes with every part it covers, including the previous hash', () => {
    const base = eventHash(null, event);
    const variants = [
      eventHash('0'.repeat(64), event),
      eventHash(null, { ...event, streamName: 'loan-2' }),
      eventHash(null, { ...event, revision: 1n }),
      eventHash(null, { ...event, id: 'e-2' }),
      eventHash(null, { ...event, type: 'Repaid' }),
      eventHash(null, { ...event, data: { principal: 5_000_001 } }),
      eventHash(null, { ...event, metadata: { by: 'b' } }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});
