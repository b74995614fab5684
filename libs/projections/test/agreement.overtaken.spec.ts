import { toProjected } from '../src';
import { disagreements, writeModelDisagreements } from './agreement';
import { History, Step } from './agreement-history';

/**
 * Found by the agreement property: a repayment in full that overtakes a compensation (it lands after the
 * fund was charged and before the loan step) settles the loan, whose follow-up finds no guarantee to
 * release because the charge took it; the loan step is then refused and the charge reversed. The reversal
 * must not put the guarantee back on the fund: the loan no longer holds it.
 */ const loan = { any: 1, index: 0 };
const overtakenBySettlement: Step[] = [
  { days: 0, action: { kind: 'apply', person: 0, county: 0, amount: 10_000, term: 3, enterprise: false, phone: 0, guarantor: 0 } },
  { days: 1, action: { kind: 'guarantee', loan } },
  { days: 1, action: { kind: 'disburse', loan, instalments: false } },
  { days: 200, action: { kind: 'dayEnd' } },
  { days: 0, action: { kind: 'compensateOvertaken', loan, share: 50, payOff: true } },
];

async function play(steps: Step[]) {
  const history = await History.begin();
  try {
    await history.play(steps);
    return (await history.store.readAll()).map(toProjected);
  } finally {
    await history.close();
  }
}

describe('a compensation overtaken by a repayment in full', () => {
  it('settles the loan and reverses the compensation charged to the fund', async () => {
    const types = (await play(overtakenBySettlement)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['FundCompensationCharged', 'LoanSettled', 'FundCompensationReversed']));
    expect(types).not.toContain('CompensationPaid');
  });

  it('leaves no guarantee outstanding on the fund for the settled loan', async () => {
    const events = await play(overtakenBySettlement);
    expect({ ledgers: await disagreements(events), writeModel: await writeModelDisagreements(events) }).toEqual({
      ledgers: [],
      writeModel: [],
    });
  });
});
