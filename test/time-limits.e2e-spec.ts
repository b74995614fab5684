import { Api, application, caughtUp, contribution, disbursement, guarantee, startApi } from './support/api';
import { BANK_ABC, OPERATOR } from './support/auth';

/** 限时办结: the day-end run records steps past their deadline; the ledger and the late-steps view show them. */
describe('time limits', () => {
  let api: Api;
  let slow: string;
  let quick: string;

  beforeAll(async () => {
    api = await startApi();
    await api.post('/funds/GC-360721/contributions', contribution(100_000_000));
    slow = (await api.post('/loans', application(1))).body.loanId;
    quick = (await api.post('/loans', application(2))).body.loanId;
    await api.post(`/loans/${quick}/guarantee`, guarantee());
    await api.post(`/loans/${quick}/disbursement`, disbursement(), BANK_ABC);
  });
  afterAll(() => api.stop());

  const dayEnd = async (businessDate: string) => (await api.post('/operations/day-end', { businessDate }, OPERATOR)).body;

  it('records a decision past its deadline the day after it, once, and a disbursement past its own', async () => {
    // Applied on 5 January: the centre has 20 days (review 5, investigation 10, guarantee 5), to the 25th.
    expect(await dayEnd('2011-01-25')).toMatchObject({ stepsPastDeadline: 0 });
    expect(await dayEnd('2011-01-26')).toMatchObject({ stepsPastDeadline: 1 });
    expect(await dayEnd('2011-01-26')).toMatchObject({ stepsPastDeadline: 0 });
    const events = (await api.get(`/loans/${slow}/events`)).body.events;
    expect(events.at(-1)).toMatchObject({
      type: 'StepPastDeadline',
      data: { step: 'decision', startedOn: '2011-01-05', dueBy: '2011-01-25', unitId: 'GC-360721', foundOn: '2011-01-26' },
      metadata: { actor: { role: 'operator' } },
    });
    // Guaranteed on the 27th: the bank has 21 days, to 17 February.
    await api.post(`/loans/${slow}/guarantee`, guarantee(5_000_000, '2011-01-27'));
    expect(await dayEnd('2011-02-18')).toMatchObject({ stepsPastDeadline: 1 });
    await api.post(`/loans/${slow}/disbursement`, disbursement('2011-02-20'), BANK_ABC);
    expect(await dayEnd('2011-02-21')).toMatchObject({ stepsPastDeadline: 0 });
  });

  it("shows each loan's time in each step in the business ledger", async () => {
    await caughtUp(api);
    expect((await api.get(`/ledgers/business/${slow}`)).body).toMatchObject({
      daysToDecide: 22,
      daysToDisburse: 24,
      decisionLateOn: '2011-01-26',
      disbursementLateOn: '2011-02-18',
    });
    expect((await api.get(`/ledgers/business/${quick}`)).body).toMatchObject({
      daysToDecide: 3,
      daysToDisburse: 2,
      decisionLateOn: null,
      disbursementLateOn: null,
    });
  });

  it('counts, per centre and per bank branch, the steps done within the limit and late', async () => {
    const view = (await api.get('/ledgers/late-steps?from=2011-01-01&to=2011-12-31')).body;
    expect(view.limits).toEqual({ decisionDays: 20, disbursementDays: 21 });
    expect(view.centres).toEqual([
      {
        unitId: 'GC-360721',
        unitName: '赣县小额担保贷款担保中心',
        begun: 2,
        done: 2,
        doneWithinLimit: 1,
        doneLate: 1,
        waitingPastDeadline: 0,
        averageDays: 12.5,
      },
    ]);
    expect(view.branches).toEqual([
      expect.objectContaining({ unitId: 'ABC-360721', begun: 2, doneWithinLimit: 1, doneLate: 1, averageDays: 13 }),
    ]);
    expect((await api.get('/ledgers/late-steps?from=2011-01-01')).body.code).toBe('REQUEST.INVALID');
  });
});
