import Database from 'better-sqlite3';
import { Logger } from '@nestjs/common';
import { fingerprint } from '@app/event-store';
import ExcelJS from 'exceljs';
import { Api, application, caughtUp, contribution, disbursement, guarantee, startApi } from './support/api';
import { ANALYST, AUDITOR, BANK_ABC, CLERK, FINANCE, OPERATOR, PROVINCE_MANAGER, PROVINCE_OFFICE, signed } from './support/auth';
import { idNumber } from './support/ids';

/**
 * No full ID number anywhere: borrowers apply and are looked up, then every read the API offers is made as
 * every role, and every body, export (XLSX cells included) and log line is searched for the numbers.
 */
describe('personal data: ID numbers are never shown or logged in full', () => {
  let api: Api;
  const logged: string[] = [];
  const numbers = [1, 2, 3].map((n) => idNumber(n + 700, n === 3 ? '360781' : '360721'));
  // The 18-digit numbers, their lower-case x form, and the 17 digits before the check digit.
  const forms = numbers.flatMap((n) => [n, n.toLowerCase(), n.slice(0, 17)]);
  const loans: string[] = [];
  const borrowers: string[] = [];

  beforeAll(async () => {
    api = await startApi();
    const keep = (message: unknown, context?: string) => logged.push(`[${context}] ${String(message)}`);
    Logger.overrideLogger({ log: keep, warn: keep, error: keep, debug: keep, verbose: keep });
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    for (const [i, number] of numbers.entries()) {
      const county = i === 2 ? '360781' : '360721';
      const applied = await api.post(
        '/loans',
        { ...application(i + 1, { countyCode: county, centreId: `GC-${county}`, branchId: `ABC-${county}` }), idNumber: number },
        PROVINCE_MANAGER,
      );
      expect(applied.status).toBe(201);
      loans.push(applied.body.loanId);
      borrowers.push(applied.body.borrowerId);
      if (county === '360721') {
        await api.post(`/loans/${applied.body.loanId}/guarantee`, guarantee());
        await api.post(`/loans/${applied.body.loanId}/disbursement`, disbursement());
      }
      // A refused application logs and answers without the number too.
      await api.post('/loans', { ...application(i + 1), idNumber: number, amountFen: -1 });
      await api.post('/borrowers/lookup', { idNumber: number }, CLERK);
    }
    await caughtUp(api);
  });
  afterAll(async () => {
    Logger.overrideLogger(['error']);
    await api.stop();
  });

  const reads = () => [
    ...loans.flatMap((l) => [`/loans/${l}`, `/loans/${l}/events`, `/streams/loan-${l}/events`, `/ledgers/business/${l}`]),
    ...borrowers.flatMap((b) => [`/borrowers/${b}/events`, `/streams/borrower-${b}/events`]),
    '/ledgers/business',
    '/ledgers/funds',
    '/ledgers/fund-movements',
    '/ledgers/journal',
    '/bulletin?month=2011-01',
    '/funds/GC-360721/events',
    ...['csv', 'md', 'json'].flatMap((format) => [
      `/exports/business?format=${format}`,
      `/exports/bulletin?month=2011-01&format=${format}`,
    ]),
  ];

  it.each([
    ['a centre clerk', CLERK],
    ['a centre manager', PROVINCE_MANAGER],
    ['a bank clerk', BANK_ABC],
    ['a finance officer', FINANCE],
    ['the province office', PROVINCE_OFFICE],
    ['an auditor', AUDITOR],
    ['an analyst', ANALYST],
    ['an operator', OPERATOR],
  ])('as %s, no answer holds a full ID number', async (_, actor) => {
    const headers = await signed(actor);
    let answered = 0;
    for (const path of reads()) {
      const res = await fetch(`${await api.app.getUrl()}${path}`, { headers });
      const text = await res.text();
      if (res.status === 200) answered++;
      for (const form of forms) expect({ path, holds: text.includes(form) }).toEqual({ path, holds: false });
    }
    // Auditors read everything, so the search did reach the histories.
    if (actor === AUDITOR) expect(answered).toBe(reads().length);
  });

  it('the XLSX export holds none in any cell, and the masked form stands in for it', async () => {
    const res = await fetch(`${await api.app.getUrl()}/exports/business?format=xlsx`, { headers: await signed(AUDITOR) });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
    expect(cells.length).toBeGreaterThan(10);
    for (const form of forms) expect(cells.some((c) => c.includes(form))).toBe(false);
    expect(cells.some((c) => c.includes(`${numbers[0].slice(0, 6)}********`))).toBe(true);
  });

  it('no log line holds one, though applications, refusals and lookups were logged', () => {
    expect(logged.some((l) => l.includes('looked up borrower'))).toBe(true);
    for (const form of forms) expect(logged.filter((l) => l.includes(form))).toEqual([]);
  });

  it("an application's Idempotency-Key is kept with a keyed hash of its body, which cannot test guesses of the number", async () => {
    const body = { ...application(9), idNumber: idNumber(709) };
    expect((await api.post('/loans', body, { ...CLERK, 'idempotency-key': 'personal-data-keyed-1' })).status).toBe(201);
    const db = new Database(api.path, { readonly: true });
    const bindings = (db.prepare('SELECT binding FROM command_keys').all() as Array<{ binding: string }>).map((r) => r.binding);
    db.close();
    expect(bindings).toHaveLength(1);
    expect(bindings).not.toContain(fingerprint(['POST', '/loans', body]));
  });
});
