import ExcelJS from 'exceljs';
import { Api, application, contribution, disbursement, guarantee, startApi } from './support/api';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface BatchReply {
  results: Array<{ line: number; outcome: string; code?: string; reason?: string }>;
}

/** A bank's uploads of repayments and disbursements, as JSON, CSV and XLSX. */
describe('batch uploads', () => {
  let api: Api;
  const loans: string[] = [];
  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    for (let n = 1; n <= 4; n++) {
      const { loanId } = (await api.post('/loans', application(n))).body;
      await api.post(`/loans/${loanId}/guarantee`, guarantee());
      if (n <= 3) await api.post(`/loans/${loanId}/disbursement`, disbursement());
      loans.push(loanId);
    }
  });
  afterAll(() => api.stop());

  const upload = async (path: string, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
    const res = await api.raw(path, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
    return { status: res.status, body: (await res.json()) as BatchReply & { code?: string; detail?: string; message?: string } };
  };
  const outcomes = (body: BatchReply) => body.results.map((r) => `${r.line} ${r.outcome}${r.code ? ` ${r.code}` : ''}`);

  it('decides each JSON line on its own, names each refusal by its line, and records a second upload of it once', async () => {
    const lines = [
      { loanId: loans[0], principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' },
      { loanId: 'no-such-loan', principalFen: 0, interestFen: 100, businessDate: '2011-03-20' },
      { loanId: loans[1], principalFen: -5, interestFen: 0, businessDate: '2011-03-20' },
      { loanId: loans[1], principalFen: 0, interestFen: 58_333, businessDate: '2099-01-01' },
      { loanId: loans[3], principalFen: 0, interestFen: 100, businessDate: '2011-03-20' },
      { loanId: loans[1], principalFen: 0, interestFen: 58_333, businessDate: '2011-03-20' },
    ];
    const before = await api.eventCount();
    const first = await api.post('/batches/repayments', { lines });
    expect(first.status).toBe(200);
    expect(outcomes(first.body)).toEqual([
      '1 recorded',
      '2 refused LOAN.NOT_FOUND',
      '3 refused REQUEST.INVALID',
      '4 refused REQUEST.FUTURE_DATE',
      '5 refused LOAN.NOT_REPAYABLE',
      '6 recorded',
    ]);
    expect(first.body.results[2].reason).toMatch(/principalFen must not be less than 0/);
    expect(first.body).toMatchObject({ lines: 6, recorded: 2, recordedBefore: 0, refused: 4 });
    expect((await api.eventCount()) - before).toBe(2);

    const again = await api.post('/batches/repayments', { lines });
    expect(again.body.batchId).toBe(first.body.batchId);
    expect(again.body).toMatchObject({ recorded: 0, recordedBefore: 2, refused: 4 });
    expect((await api.eventCount()) - before).toBe(2);
  });

  it('reads a CSV file with Chinese headings and a byte-order mark, and records a line with a reference once across uploads', async () => {
    const csv =
      '\uFEFF贷款编号,还款本金(分),还款利息(分),业务日期,流水号\r\n' +
      `${loans[2]},0,"58,333",2011-03-20,T-1\r\n` +
      `${loans[2]},0,10,2011-03-21,T-2\r\n`;
    const first = await upload('/batches/repayments', csv, 'text/csv');
    expect(outcomes(first.body)).toEqual(['2 refused REQUEST.INVALID', '3 recorded']);
    expect(first.body.results[0].reason).toMatch(/interestFen must be a whole number of fen/);
    // Another file repeating the payment T-2 records it once.
    const other = await upload(
      '/batches/repayments',
      `loanId,principalFen,interestFen,businessDate,reference\n${loans[2]},0,10,2011-03-21,T-2\n`,
      'text/csv',
    );
    expect(outcomes(other.body)).toEqual(['2 recorded_before']);
  });

  it('reads the first sheet of an XLSX workbook, dates included', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('放款');
    sheet.addRow(['loanId', 'amountFen', 'contractRateBp', 'repaymentMethod', 'bankContractNo', 'businessDate']);
    sheet.addRow([loans[3], 5_000_000, 600, 'interest_quarterly_principal_at_maturity', 'ABC-2011-0004', new Date(Date.UTC(2011, 0, 12))]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const reply = await upload('/batches/disbursements', file, XLSX);
    expect(outcomes(reply.body)).toEqual(['2 recorded']);
    const loan = (await api.get(`/loans/${loans[3]}`)).body;
    expect(loan).toMatchObject({ status: 'disbursed', disbursement: { disbursedOn: '2011-01-12' } });
  });

  it('refuses a whole upload it cannot read, recording nothing, and a file sent anywhere but an upload', async () => {
    const before = await api.eventCount();
    const unknown = await upload('/batches/repayments', `loanId,amount\n${loans[0]},5\n`, 'text/csv');
    expect(unknown).toMatchObject({ status: 400, body: { code: 'BATCH.UNKNOWN_COLUMN' } });
    expect(unknown.body.detail ?? unknown.body.message).toMatch(/"amount"/);
    expect((await upload('/batches/repayments', 'loanId\n', 'text/csv')).body.code).toBe('BATCH.NO_LINES');
    expect((await upload('/batches/repayments', 'loanId\n"L1\n', 'text/csv')).body.code).toBe('BATCH.UNREADABLE');
    const notXlsx = await upload('/batches/repayments', Buffer.from('not a workbook'), XLSX);
    expect(notXlsx.body.code).toBe('BATCH.UNREADABLE');
    const tooMany = { lines: Array.from({ length: 50_001 }, () => ({ loanId: loans[0], principalFen: 0, interestFen: 1 })) };
    expect((await api.post('/batches/repayments', tooMany)).body.code).toBe('BATCH.TOO_MANY_LINES');
    expect((await upload(`/loans/${loans[0]}/repayments`, 'principalFen\n0\n', 'text/csv')).status).toBe(415);
    expect(await api.eventCount()).toBe(before);
  });
});
