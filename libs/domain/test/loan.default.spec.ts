import { JIANGXI_REFERENCE, LoanEvent, ReferenceData, bp, loanDecider } from '../src';
import { DeciderSpecification } from './decider-spec';
import {
  applied,
  compensate,
  compensated,
  ctx,
  date,
  defaulted,
  disbursed,
  guaranteed,
  markedOverdue,
  money,
  recover,
  running,
  writeOff,
} from './fixtures';

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

  describe('a centre whose agreement with its banks sets its own share', () => {
    // 赣县's centre agreed 70 % with its banks; every other centre keeps the policy's 80 %.
    const agreed = new ReferenceData({
      ...JIANGXI_REFERENCE,
      centres: JIANGXI_REFERENCE.centres.map((c) => (c.id === 'GC-360721' ? { ...c, compensationShare: bp(7000) } : c)),
    });
    const givenAgreed = DeciderSpecification.for(loanDecider, (on) => ({ ...ctx(on), reference: agreed }));
    const ownShare = compensated({ amount: money(3_540_833), bankShare: money(1_517_500), fundShare: bp(7000) });

    it("pays the centre's own share of the loss, the bank bearing the rest", () => {
      // the same 5,058,333 loss: the fund pays 70 % (3,540,833.1 → 3,540,833), the bank 30 %
      const state = givenAgreed(defaulted()).when(compensate(), '2011-06-19').then([ownShare]);
      expect([state.status, state.claim]).toEqual(['compensated', 3_540_833]);
    });

    it("refuses a charge to the centre's fund worked out at the policy's 80 %", () => {
      givenAgreed(defaulted()).when(compensate(4_046_666), '2011-06-19').thenRefuses('LOAN.COMPENSATION_CHANGED');
      givenAgreed(defaulted()).when(compensate(3_540_833), '2011-06-19').then([ownShare]);
    });

    it("pays the policy's 80 % at a centre with no share of its own, under the same reference data", () => {
      // 赣州's city centre guarantees the same loan in 赣县: nothing agreed, so the default
      const atCityCentre = [applied({ centreId: 'GC-360700' }), guaranteed({ fundId: 'GC-360700' }), disbursed(), markedOverdue()];
      givenAgreed(atCityCentre)
        .when(compensate(), '2011-06-19')
        .then([compensated({ fundId: 'GC-360700' })]);
    });
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
