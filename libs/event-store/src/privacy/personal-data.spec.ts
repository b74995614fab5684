import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from './keyring';
import { ERASED, NO_KEY, PersonalData } from './personal-data';

describe('personal data sealed with a key per borrower', () => {
  let dir: string;
  let data: PersonalData;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyring-'));
    data = new PersonalData(new Keyring(join(dir, 'keyring.db')));
  });
  afterEach(() => {
    data.keyring.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const seal = async (borrowerId: string, text: string) => (await data.sealerFor(borrowerId))(text);
  const request = { legalBasis: 'consent_withdrawn', requestReference: 'R-1', erasedBy: '{}' };

  it('seals the same text of the same borrower to the same token, and anything else to another', async () => {
    const token = await seal('a1', '脐橙种植');
    expect(token).toMatch(/^pii1\.a1\.1\.[\w-]+$/);
    expect(token).not.toContain('脐橙');
    expect(await seal('a1', '脐橙种植')).toBe(token);
    expect(await seal('a1', '脐橙种植 ')).not.toBe(token);
    expect(await seal('b2', '脐橙种植')).not.toBe(token);
    expect(data.reveal(token)).toBe('脐橙种植');
    expect(data.reveal('脐橙种植')).toBe('脐橙种植');
    expect(data.reveal(42)).toBe(42);
  });

  it('leaves a token that was altered or moved to another borrower as it is: it opens with its own key only', async () => {
    const token = await seal('a1', '脐橙种植');
    await seal('b2', 'x');
    const body = token.split('.')[3];
    const altered = `pii1.a1.1.${body.slice(0, -2)}${body.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(data.reveal(altered)).toBe(altered);
    expect(data.reveal(`pii1.b2.1.${body}`)).toBe(`pii1.b2.1.${body}`);
    expect(data.reveal(`pii1.c3.1.${body}`)).toBe(NO_KEY);
  });

  it('reveals tokens inside JSON text as valid JSON, whatever characters the text holds', async () => {
    const awkward = 'He said "养猪\\场"\n\u2028<tab>\t';
    const json = JSON.stringify({ rows: [{ name: await seal('a1', awkward), note: 'pii1 is not a token' }] });
    expect(JSON.parse(data.revealJson(json))).toEqual({ rows: [{ name: awkward, note: 'pii1 is not a token' }] });
    expect(data.revealRows([{ name: await seal('a1', awkward), amount: 5 }])).toEqual([{ name: awkward, amount: 5 }]);
  });

  it('erasing destroys every key of the borrower: old tokens read as erased, and a new application gets a new key', async () => {
    const old = await seal('a1', '脐橙种植');
    const other = await seal('b2', '竹编');
    expect(data.keyring.erase('a1', request)).toEqual([1]);
    expect(data.keyring.erase('a1', request)).toEqual([]);
    expect(data.reveal(old)).toBe(ERASED);
    expect(data.reveal(other)).toBe('竹编');
    const renewed = await seal('a1', '脐橙种植');
    expect(renewed).toMatch(/^pii1\.a1\.2\./);
    expect(data.reveal(renewed)).toBe('脐橙种植');
    expect(data.keyring.unrecorded()).toMatchObject([{ borrowerId: 'a1', generation: 1, legalBasis: 'consent_withdrawn' }]);
  });

  it('makes the keys of borrowers applying together in one write, one key per person however many ask at once', async () => {
    const people = Array.from({ length: 200 }, (_, i) => `p${i % 100}`);
    const tokens = await Promise.all(people.map((id) => seal(id, '竹编')));
    expect(new Set(tokens).size).toBe(100);
    const beside = new PersonalData(new Keyring(join(dir, 'keyring.db')));
    expect(tokens.map((t) => beside.reveal(t))).toEqual(people.map(() => '竹编'));
    beside.keyring.close();
  });

  it('another process that has the key cached forgets it as soon as the borrower is erased', async () => {
    const token = await seal('a1', '脐橙种植');
    const beside = new PersonalData(new Keyring(join(dir, 'keyring.db')));
    expect(beside.reveal(token)).toBe('脐橙种植');
    data.keyring.erase('a1', request);
    expect(beside.reveal(token)).toBe(ERASED);
    beside.keyring.close();
  });

  it('a second keyring on the same file (the CLI beside the API) reads the keys, and forgets an erased one', async () => {
    const token = await seal('a1', '脐橙种植');
    const beside = new PersonalData(new Keyring(join(dir, 'keyring.db')));
    expect(beside.reveal(token)).toBe('脐橙种植');
    beside.keyring.close();
    data.keyring.erase('a1', request);
    const after = new PersonalData(new Keyring(join(dir, 'keyring.db')));
    expect(after.reveal(token)).toBe(ERASED);
    after.keyring.close();
  });
});
