import { Projection, Row } from '../src';
import { ProjectionState } from '../src/state';
import { KeyFilter } from '../src/key-filter';

/** The rows a fold holds: rows idle for two evictions go back to the read store, never before they are stored. */
const projection: Projection = {
  name: 'counts',
  version: 1,
  tables: [{ name: 'counts', primaryKey: ['id'], columns: { id: 'text', n: 'integer' } }],
  eventTypes: [],
  apply: () => undefined,
};

describe('the rows a projection holds', () => {
  const stored = new Map<string, Row>();
  const reads: string[] = [];
  const state = () =>
    new ProjectionState(projection, (_table, key) => {
      reads.push(key.id as string);
      return stored.get(key.id as string);
    });
  beforeEach(() => {
    stored.clear();
    reads.length = 0;
  });

  it('keeps a changed row until it has been handed over to be stored, however long it is idle', () => {
    const s = state();
    s.put('counts', { id: 'a', n: 1 });
    s.evictIdle();
    s.evictIdle();
    s.evictIdle();
    expect(s.get('counts', { id: 'a' })).toEqual({ id: 'a', n: 1 });
    expect(reads).toEqual([]);
  });

  it('lets a stored row go after two idle evictions, and reads it back from the store when it is needed again', () => {
    const s = state();
    s.put('counts', { id: 'a', n: 1 });
    for (const [, rows] of s.take()) for (const row of rows) stored.set(row.id as string, { ...row, n: 2 }); // as stored
    s.evictIdle();
    expect(s.get('counts', { id: 'a' })).toEqual({ id: 'a', n: 1 }); // used again: kept
    s.evictIdle();
    s.evictIdle();
    expect(s.sizes()).toEqual({ counts: 0 });
    expect(s.get('counts', { id: 'a' })).toEqual({ id: 'a', n: 2 });
    expect(reads).toEqual(['a']);
    // A key never let go is a new row: the store, which began empty with this state, cannot hold it.
    expect(s.get('counts', { id: 'b' })).toBeUndefined();
    expect(reads).toEqual(['a']);
  });

  it('looks in the store for any row not in memory once resumed, since the store held rows before it', () => {
    stored.set('a', { id: 'a', n: 3 });
    const s = state();
    s.resumeLazily();
    expect(s.get('counts', { id: 'a' })).toEqual({ id: 'a', n: 3 });
    expect(s.get('counts', { id: 'b' })).toBeUndefined();
    expect(reads).toEqual(['a', 'b']);
  });

  it('holds every row where the store cannot read one back', () => {
    const s = new ProjectionState(projection);
    s.put('counts', { id: 'a', n: 1 });
    s.take();
    s.evictIdle();
    s.evictIdle();
    expect(s.get('counts', { id: 'a' })).toEqual({ id: 'a', n: 1 });
  });
});

describe('the filter of keys let go', () => {
  it('never says "not there" for a key added, and rarely "might be" for one not added', () => {
    const filter = new KeyFilter(20);
    const added = Array.from({ length: 50_000 }, (_, i) => `loan-${i}\u001f2011-0${(i % 9) + 1}`);
    for (const k of added) filter.add(k);
    expect(added.every((k) => filter.mightHave(k))).toBe(true);
    const others = Array.from({ length: 50_000 }, (_, i) => `other-${i}`);
    // 50,000 keys in 2^20 bits with 4 probes: about 0.1 % of other keys test positive, in theory.
    expect(others.filter((k) => filter.mightHave(k)).length).toBeLessThan(250);
  });
});
