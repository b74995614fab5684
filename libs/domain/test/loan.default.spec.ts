import { JIANGXI_REFERENCE, LoanEvent, ReferenceData, bp, loanDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import { applied, compensate, compensated, ctx, date, defaulted, guaranteed, money, recover, running, writeOff } from './fixtures';

const given = DeciderSpecification.for(loanDecider);

const recovered = (amount: number, remainingClaim: number, collectedOn = '2011-07-01', afterWriteOff = false): LoanEvent => ({
  type: 'RecoveryCollected',
  data: {
    loanId: 'L1',
    fundId: 'GC-360721',
    borrowerId: 'B1',
    amount: money(amount),
    source: 'counter_guarantor',
    remainingClaim: money(remainingClaim),
    afterWriteOff,
    collectedOn: date(collectedOn),
  },
});
const writtenOff = (amount: number): LoanEvent => ({
  type: 'LoanWrittenOff',
  data: {
    loanId: 'L1',
    fundId: 'GC-360721',
    borrowerId: 'B1',
    amount: money(amount),
    approvalRef: 'FIN-2011-88',
    writtenOffOn: date('2011-12-01'),
  },
});

describe('compensation (代偿)', () => {
  it('refuses compensation until the loan is more than 90 days overdue', () => {
    given(defaulted()).when(compensate(), '2011-06-18').thenRefuses('LOAN.NOT_OVERDUE_LONG_ENOUGH');
    given(running()).when(compensate(), '2011-03-01').thenRefuses('LOAN.NOT_OVERDUE_LONG_ENOUGH');
  });

  it('pays 80 % of the loss from the fund after 90 days, the bank bearing the rest', () => {
    // loss: 5,000,000 principal + 58,333 interest due 20 Mar (the June settlement is not yet due on 19 Jun)
    const state = given(defaulted()).when(compensate(), '2011-06-19').then([compensated()]);
    expect([state.status, state.claim]).toEqual(['compensated', 4_046_666]);
  });

  it("pays the centre's own share when its agreement with the banks sets one, else the policy's", () => {
    // 赣县's centre agreed 70 % with its banks: the fund pays 70 % of the same 5,058,333 loss, the bank 30 %.
    const set = {
      ...JIANGXI_REFERENCE,
      centres: JIANGXI_REFERENCE.centres.map((c) => (c.id === 'GC-360721' ? { ...c, compensationShare: bp(7000) } : c)),
    };
    const own = { ...ctx('2011-06-19'), reference: new ReferenceData(set) };
    const state = defaulted().reduce(loanDecider.evolve, loanDecider.initialState());
    expect(loanDecider.decide(compensate(), state, own)).toEqual([
      compensated({ amount: money(3_540_833), bankShare: money(1_517_500), fundShare: bp(7000) }),
    ]);
  });

  it('insists on the amount the fund was charged, when one is given', () => {
    given(defaulted()).when(compensate(4_046_666), '2011-06-19').then([compensated()]);
    given(defaulted()).when(compensate(1), '2011-06-19').thenRefuses('LOAN.COMPENSATION_CHANGED');
  });

  it('compensates only a running loan, once', () => {
    given([applied(), guaranteed()]).when(compensate(), '2011-06-19').thenRefuses('LOAN.CANNOT_COMPENSATE');
    given([...defaulted(), compensated()])
      .when(compensate(), '2011-06-20')
      .thenRefuses('LOAN.CANNOT_COMPENSATE');
  });
});

describe('recovery (追偿)', () => {
  const afterCompensation = () => [...defaulted(), compensated()];

  it('recovers at most what the fund paid, closing the loan when all is back', () => {
    given(afterCompensation()).when(recover(4_046_667), '2011-07-01').thenRefuses('LOAN.RECOVERY_EXCEEDS_CLAIM');
    given(afterCompensation()).when(recover(0), '2011-07-01').thenRefuses('LOAN.RECOVERY_EXCEEDS_CLAIM');
    const state = given(afterCompensation())
      .when(recover(4_046_666), '2011-07-01')
      .then([recovered(4_046_666, 0)]);
    expect(state.status).toBe('recovered');
  });

  it('recovers in parts, each bounded by what is still owed', () => {
    const state = given(afterCompensation())
      .when(recover(1_000_000), '2011-07-01')
      .then([recovered(1_000_000, 3_046_666)]);
    expect(state.status).toBe('compensated');
    const partly = [...afterCompensation(), recovered(1_000_000, 3_046_666)];
    given(partly).when(recover(3_046_667), '2011-08-01').thenRefuses('LOAN.RECOVERY_EXCEEDS_CLAIM');
    given(partly)
      .when(recover(3_046_666), '2011-08-01')
      .then([recovered(3_046_666, 0, '2011-08-01')]);
  });

  it('recovers only on a compensated loan with something still owed', () => {
    given(running()).when(recover(1), '2011-07-01').thenRefuses('LOAN.NOT_COMPENSATED');
    given([...afterCompensation(), recovered(4_046_666, 0)])
      .when(recover(1), '2011-08-01')
      .thenRefuses('LOAN.NOT_COMPENSATED');
  });
});

describe('write-off (核销)', () => {
  const partlyRecovered = () => [...defaulted(), compensated(), recovered(1_000_000, 3_046_666)];

  it('writes off only a compensated loan, for what is still unrecovered', () => {
    given(running()).when(writeOff(), '2011-07-01').thenRefuses('LOAN.CANNOT_WRITE_OFF');
    const state = given(partlyRecovered())
      .when(writeOff(), '2011-12-01')
      .then([writtenOff(3_046_666)]);
    expect(state.status).toBe('written_off');
    given([...defaulted(), compensated()])
      .when(writeOff(), '2011-12-01')
      .then([writtenOff(4_046_666)]);
  });

  it('needs an approval, and happens once; nothing is left to write off once all is recovered', () => {
    given(partlyRecovered()).when(writeOff('  '), '2011-12-01').thenRefuses('LOAN.WRITE_OFF_NEEDS_APPROVAL');
    given([...partlyRecovered(), writtenOff(3_046_666)])
      .when(writeOff(), '2011-12-02')
      .thenRefuses('LOAN.CANNOT_WRITE_OFF');
    given([...defaulted(), compensated(), recovered(4_046_666, 0)])
      .when(writeOff(), '2011-12-01')
      .thenRefuses('LOAN.CANNOT_WRITE_OFF');
  });

  it('keeps the claim on file (账销案存): what is recovered later is recorded, up to what is still owed', () => {
    const writtenOffLoan = [...partlyRecovered(), writtenOff(3_046_666)];
    const state = given(writtenOffLoan)
      .when(recover(1_000_000), '2012-03-01')
      .then([recovered(1_000_000, 2_046_666, '2012-03-01', true)]);
    expect([state.status, state.writtenOff]).toEqual(['written_off', 3_046_666]);
    given(writtenOffLoan).when(recover(3_046_667), '2012-03-01').thenRefuses('LOAN.RECOVERY_EXCEEDS_CLAIM');
    const all = given(writtenOffLoan)
      .when(recover(3_046_666), '2012-03-01')
      .then([recovered(3_046_666, 0, '2012-03-01', true)]);
    expect(all.status).toBe('written_off'); // the write-off stands in the books; nothing more is owed
    given([...writtenOffLoan, recovered(3_046_666, 0, '2012-03-01', true)])
      .when(recover(1), '2012-04-01')
      .thenRefuses('LOAN.RECOVERY_EXCEEDS_CLAIM');
  });
});
