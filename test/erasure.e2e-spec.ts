import Database from 'better-sqlite3';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { ERASED, PersonalData } from '@app/event-store';
import { Erasures } from '../apps/api/src/privacy/erasures';
import { Api, application, caughtUp, contribution, disbursement, guarantee, startApi, until } from './support/api';
import { BANK_ABC, CLERK } from './support/auth';
import { idNumber } from './support/ids';
import { runTs } from './support/spawn';

/** A database file and its write-ahead log, as bytes: what anyone who copies the files can read. */
const bytesOf = (file: string) => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));

/**
 * Crypto-shredding: a borrower's masked ID number and project name are sealed with a key of their own before
 * they are recorded, and erasing the borrower destroys the key. The history, its hashes, the digests and the
 * ledgers stay valid, and the person is unreadable in every answer, export and feed.
 */
describe("erasing a borrower's personal data", () => {
  let api: Api;
  const people = [
    { number: idNumber(801), project: '李四家庭农场' },
    { number: idNumber(802), project: '王五竹编作坊' },
  ];
  const masked = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;
  const [erased, kept] = people;
  const loans: string[] = [];
  const borrowers: string[] = [];
  let eventsFile: string;

  beforeAll(async () => {
    api = await startApi();
    eventsFile = api.path;
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    for (const [i, person] of people.entries()) {
      const applied = await api.post('/loans', {
        ...application(i + 1),
        idNumber: person.number,
        project: { name: person.project, industry: 'agriculture' },
      });
      expect(applied.status).toBe(201);
      loans.push(applied.body.loanId);
      borrowers.push(applied.body.borrowerId);
    }
    // The first person's application is rejected, which closes it; the second's loan is disbursed and stays open.
    expect((await api.post(`/loans/${loans[0]}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', businessDate: '2011-01-06' })).status).toBe(
      200,
    );
    await api.post(`/loans/${loans[1]}/guarantee`, guarantee());
    await api.post(`/loans/${loans[1]}/disbursement`, disbursement(), BANK_ABC);
    await caughtUp(api);
  });
  afterAll(() => api.stop());

  /** Every place a person's data is shown: answers, ledgers, each export format, the feed as pages and as NDJSON. */
  const reads = () => [
    ...loans.flatMap((l) => [`/loans/${l}`, `/loans/${l}/events`, `/streams/loan-${l}/events`, `/ledgers/business/${l}`]),
    '/ledgers/business',
    ...['csv', 'md', 'json'].map((format) => `/exports/business?format=${format}`),
    '/feed/events?limit=1000',
    '/feed/events.ndjson',
    '/feed?live=false',
  ];
  async function shown(): Promise<string> {
    let text = '';
    for (const path of reads()) {
      const res = await api.raw(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      text += await res.text();
    }
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await (await api.raw('/exports/business?format=xlsx')).arrayBuffer()) as never);
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void (text += `\n${String(cell.value)}`))));
    return text;
  }

  it('seals the data before it is recorded: the history and the ledgers hold none of it, and every answer shows it', async () => {
    const files = bytesOf(eventsFile);
    for (const person of people) {
      expect(files.includes(Buffer.from(person.project))).toBe(false);
      expect(files.includes(Buffer.from(masked(person.number)))).toBe(false);
    }
    const text = await shown();
    for (const person of people) {
      expect(text).toContain(person.project);
      expect(text).toContain(masked(person.number));
    }
    expect(text).not.toContain('pii1.');
  });

  it('refuses what it cannot do, saying why, and records nothing', async () => {
    const before = await api.eventCount();
    const request = { legalBasis: 'consent_withdrawn', requestReference: '赣人社个保〔2026〕17号' };
    const open = await api.post('/borrowers/erasures', { ...request, idNumber: kept.number });
    expect(open.body).toMatchObject({ status: 409, code: 'BORROWER.LOAN_OPEN', openLoanId: loans[1] });
    expect((await api.post('/borrowers/erasures', { ...request, idNumber: idNumber(899) })).body.code).toBe('BORROWER.NO_PERSONAL_DATA');
    expect((await api.post('/borrowers/erasures', request)).body.code).toBe('REQUEST.INVALID');
    expect((await api.post('/borrowers/erasures', { ...request, legalBasis: 'because', idNumber: erased.number })).status).toBe(400);
    expect((await api.post('/borrowers/erasures', { ...request, idNumber: erased.number }, CLERK)).status).toBe(403);
    expect(await api.eventCount()).toBe(before);
    expect(await shown()).toContain(erased.project);
  });

  it('erases one person: their data reads as erased everywhere, the key is gone from the keyring file, and no one else changes', async () => {
    const keyring = api.app.get(PersonalData).keyring;
    const key = keyring.find(borrowers[0], 1)!;
    expect(key).toHaveLength(64);
    const keyringFile = join(dirname(eventsFile), 'keyring.db');
    expect(bytesOf(keyringFile).includes(key)).toBe(true);

    const reply = await api.post('/borrowers/erasures', {
      idNumber: erased.number,
      legalBasis: 'consent_withdrawn',
      basisDetail: '本人书面申请撤回同意',
      requestReference: '赣人社个保〔2026〕17号',
      businessDate: '2011-02-01',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      borrowerId: borrowers[0],
      erasures: [{ borrowerId: borrowers[0], keyGenerations: [1], legalBasis: 'consent_withdrawn', erasedOn: '2011-02-01' }],
    });

    expect(bytesOf(keyringFile).includes(key)).toBe(false);
    const text = await shown();
    expect(text).not.toContain(erased.project);
    expect(text).not.toContain(masked(erased.number));
    expect(text).toContain(ERASED);
    expect(text).toContain(kept.project);
    expect(text).toContain(masked(kept.number));
    const row = (await api.get(`/ledgers/business/${loans[0]}`)).body;
    expect(row).toMatchObject({ loanId: loans[0], projectName: ERASED, maskedIdNumber: ERASED, status: 'rejected' });
  });

  it("the CLI's ledger and history exports, reading the same files, show the erased person erased", async () => {
    const cli = (...args: string[]) => runTs('apps/cli/src/main.ts', args, { EVENT_STORE_PATH: eventsFile });
    for (const args of [
      ['ledger', 'business', '--format', 'csv', '--quiet'],
      ['export', 'events'],
    ]) {
      const { code, stdout } = await cli(...args);
      expect({ args, code }).toEqual({ args, code: 0 });
      expect(stdout).toContain(ERASED);
      expect(stdout).toContain(kept.project);
      expect(stdout).not.toContain(erased.project);
      expect(stdout).not.toContain('pii1.');
    }
  });

  it('records the erasure once however often it is asked, and a person who applies again is readable again', async () => {
    const again = await api.post('/borrowers/erasures', {
      borrowerId: borrowers[0],
      legalBasis: 'consent_withdrawn',
      requestReference: 'R-2',
    });
    expect(again.status).toBe(200);
    expect(again.body.erasures).toHaveLength(1);
    const stream = (await api.get(`/streams/erasure-${borrowers[0]}/events`)).body.events;
    expect(stream.map((e: { type: string }) => e.type)).toEqual(['BorrowerDataErased']);

    const applied = await api.post('/loans', {
      ...application(3),
      idNumber: erased.number,
      project: { name: '李四家庭农场二期', industry: 'agriculture' },
      businessDate: '2011-02-10',
    });
    expect(applied.status).toBe(201);
    expect((await api.get(`/loans/${applied.body.loanId}/events`)).body.events[0].data.project.name).toBe('李四家庭农场二期');
    expect((await api.get(`/loans/${loans[0]}/events`)).body.events[0].data.project.name).toBe(ERASED);
  });

  it('an erasure cut short after the keys were destroyed is recorded when the API starts again', async () => {
    const personalData = api.app.get(PersonalData);
    const applied = await api.post('/loans', { ...application(4), idNumber: idNumber(804), businessDate: '2011-02-10' });
    await api.post(`/loans/${applied.body.loanId}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', businessDate: '2011-02-11' });
    // The first step alone, as if the process had stopped before the event was appended.
    const erasedBy = JSON.stringify({
      actor: { userId: 'province-01', role: 'province_admin', organisationId: '360000' },
      businessDate: '2011-02-12',
    });
    personalData.keyring.erase(applied.body.borrowerId, { legalBasis: 'retention_expired', requestReference: 'R-3', erasedBy });
    expect((await api.get(`/streams/erasure-${applied.body.borrowerId}/events`)).status).toBe(404);
    await api.app.get(Erasures).onApplicationBootstrap();
    const events = (await api.get(`/streams/erasure-${applied.body.borrowerId}/events`)).body.events;
    expect(events).toMatchObject([{ type: 'BorrowerDataErased', data: { legalBasis: 'retention_expired', erasedOn: '2011-02-12' } }]);
    expect(events[0].metadata.actor).toMatchObject({ userId: 'province-01', role: 'province_admin' });
  });

  it('an application and an erasure of the same person at once: either the erasure is refused or the new loan gets a new key', async () => {
    for (const n of [811, 812, 813, 814]) {
      const first = await api.post('/loans', { ...application(n), idNumber: idNumber(n), businessDate: '2011-02-10' });
      await api.post(`/loans/${first.body.loanId}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', businessDate: '2011-02-11' });
      const [erasure, again] = await Promise.all([
        api.post('/borrowers/erasures', { idNumber: idNumber(n), legalBasis: 'consent_withdrawn', requestReference: `R-${n}` }),
        api.post('/loans', {
          ...application(n),
          idNumber: idNumber(n),
          project: { name: `项目${n}`, industry: 'i' },
          businessDate: '2011-02-12',
        }),
      ]);
      expect(again.status).toBe(201);
      expect([200, 409]).toContain(erasure.status);
      expect((await api.get(`/loans/${again.body.loanId}/events`)).body.events[0].data.project.name).toBe(`项目${n}`);
    }
  });

  it('opens only what the system sealed: text in the sealed form is refused, and an error that echoes a token does not open it', async () => {
    const token = new Database(eventsFile, { readonly: true })
      .prepare("SELECT data FROM events WHERE type = 'LoanApplied' LIMIT 1")
      .pluck()
      .get() as string;
    const sealed = /pii1\.[\w-]+\.\d+\.[\w-]+/.exec(token)![0];
    const note = await api.post(`/loans/${loans[1]}/rejection`, { reasonCode: 'FALSE_DOCUMENTS', note: sealed });
    expect(note.body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    const echoed = await api.get(`/ledgers/business?sort=${sealed}`);
    expect(echoed.status).toBe(400);
    expect(JSON.stringify(echoed.body)).toContain(sealed);
  });

  it('second support on a first loan recorded before sealing, its project name in plain text, is granted', async () => {
    const { Programme } = await import('@app/programme');
    const { BorrowerIdentity } = await import('../apps/api/src/programme/borrower-identity');
    const person = idNumber(820);
    const { borrowerId, maskedIdNumber } = api.app.get(BorrowerIdentity).identify(person);
    const { idNumber: _n, amountFen: _a, businessDate: _d, ...plain } = { ...application(820), loanId: 'plain-first-820' };
    // Recorded as an older history holds it: through the domain, not the API's edge, so nothing sealed.
    await api.app
      .get(Programme)
      .applyForLoan({ ...plain, borrowerId, maskedIdNumber, amount: 5_000_000, project: { name: '竹编', industry: 'i' } } as never, {
        commandId: 'plain-820',
        actor: { userId: 'clerk-01', role: 'centre_clerk', organisationId: 'GC-360721' },
        businessDate: '2011-01-05' as never,
      });
    await api.post(`/loans/plain-first-820/guarantee`, guarantee());
    await api.post(`/loans/plain-first-820/disbursement`, disbursement(), BANK_ABC);
    await api.post(
      `/loans/plain-first-820/repayments`,
      { principalFen: 5_000_000, interestFen: 18_333, businessDate: '2011-02-01' },
      BANK_ABC,
    );
    const second = await api.post('/loans', {
      ...application(820),
      idNumber: person,
      kind: 'second_support',
      amountFen: 30_000_000,
      previousLoanId: 'plain-first-820',
      project: { name: '竹编', industry: 'i' },
      jobsCreated: 6,
      businessDate: '2011-03-01',
    });
    expect(second.body.code).toBeUndefined();
    expect(second.body.events.map((e: { type: string }) => e.type)).toEqual(['LoanApplied', 'SecondSupportGranted']);
  });

  it('leaves the history, its digests and the ledgers valid: audit verify finds nothing wrong', async () => {
    expect((await api.post('/audit/digests', { month: '2011-02' })).status).toBe(201);
    await caughtUp(api);
    expect((await api.post('/audit/verifications', {})).status).toBe(202);
    let latest: { state: string } = { state: 'running' };
    await until(async () => (latest = (await api.get('/audit/verifications/latest')).body).state !== 'running', 60_000);
    expect(latest).toMatchObject({ state: 'done', ok: true, history: { problems: [] } });
  });
});
