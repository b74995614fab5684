import { Fen, add, applyRate, formatYuan, sub } from '../shared/money';
import { addMonths, daysBetween } from '../shared/dates';
import { DecisionContext } from '../shared/decider';
import { broken, ensure, invalid, notFound, unreachable } from '../shared/errors';
import { benchmarkRate } from '../policy/policy';
import { applyRepayment, overdueOn, settleAccrualOn, subsidisablePart, unpaid } from './loan.account';
import { LoanCommand } from './loan.commands';
import { LoanEvent, Repaid } from './loan.events';
import { LoanState, remainingClaim } from './loan.state';
import { decideApplication, decideSecondSupport } from './loan.apply';
import { subsidyOn } from './loan.quote';
import { decideTimeLimits } from './loan.time-limits';
import { decideRisk, decideRiskReview } from './loan.risk';
import { repaymentPlan, subsidyTerms } from './loan.plan';

export function decideLoan(c: LoanCommand, s: LoanState, ctx: DecisionContext): LoanEvent[] {
  if (c.type === 'ApplyForLoan') {
    ensure(s.status === 'none', () => broken('LOAN.ALREADY_APPLIED', `Loan ${c.data.loanId} already exists.`));
    return decideApplication(c, ctx);
  }
  ensure(s.status !== 'none', () => notFound('LOAN.NOT_FOUND', 'There is no such loan.'));
  const a = s.application!;
  const on = ctx.businessDate;
  const loanId = a.loanId;
  ensure(on >= a.appliedOn, () => invalid('LOAN.DATE_BEFORE_APPLICATION', `${on} is before the loan was applied for (${a.appliedOn}).`));

  switch (c.type) {
    case 'RejectLoanApplication':
      ensure(s.status === 'applied' || s.status === 'guaranteed', () =>
        broken('LOAN.CANNOT_REJECT', `The loan is ${s.status}; only an application not yet disbursed can be rejected.`),
      );
      return [
        {
          type: 'LoanApplicationRejected',
          data: { loanId, borrowerId: a.borrowerId, ...c.data, rejectedOn: on, fundId: s.guarantee?.fundId },
        },
      ];

    case 'GrantSecondSupport':
      ensure(a.kind === 'second_support', () => broken('LOAN.NOT_SECOND_SUPPORT', 'This loan was not applied for as second support.'));
      ensure(s.status === 'applied' && !s.secondSupportGranted, () =>
        broken('LOAN.SECOND_SUPPORT_ALREADY_DECIDED', 'Second support was already granted or the application is closed.'),
      );
      return [decideSecondSupport(a, c.previousLoan, c.data.jobsCreated, ctx)];

    case 'IssueGuarantee': {
      const d = c.data;
      ensure(s.status === 'applied', () =>
        broken('LOAN.CANNOT_GUARANTEE', `The loan is ${s.status}; only an open application can be guaranteed.`),
      );
      ensure(!s.risk.pending, () =>
        broken(
          'RISK.REVIEW_PENDING',
          'Risk control flagged this application (a detail shared with another borrower, a guarantor over the limit, or refusals elsewhere): a centre officer must review it before the guarantee.',
        ),
      );
      ensure(a.kind !== 'second_support' || s.secondSupportGranted, () =>
        broken('LOAN.SECOND_SUPPORT_NOT_GRANTED', 'The centre must confirm the second-support conditions before guaranteeing.'),
      );
      ensure(d.feePaidBy === 'finance', () =>
        broken('LOAN.FEES_FORBIDDEN', 'The borrower may not be charged a guarantee fee: finance pays it.'),
      );
      ensure(d.feeRate >= 0 && d.feeRate <= ctx.policy.maxGuaranteeFeeRate, () =>
        broken('LOAN.GUARANTEE_FEE_TOO_HIGH', `The guarantee fee can be at most ${ctx.policy.maxGuaranteeFeeRate / 100}% a year.`),
      );
      ensure(d.guaranteedAmount > 0 && d.guaranteedAmount <= a.amount, () =>
        broken(
          'LOAN.GUARANTEE_EXCEEDS_APPLICATION',
          `The guarantee must be more than zero and at most the ${formatYuan(a.amount)} applied for.`,
        ),
      );
      const cap = ctx.policy.caps[a.kind];
      ensure(d.guaranteedAmount <= cap, () =>
        broken('LOAN.CAP_EXCEEDED', `The guarantee can be at most ${formatYuan(cap)} under policy ${ctx.policy.version}.`),
      );
      const fundId = a.centreId;
      return [
        {
          type: 'GuaranteeIssued',
          data: {
            loanId,
            fundId,
            guaranteedAmount: d.guaranteedAmount,
            feeRate: d.feeRate,
            feePaidBy: 'finance',
            issuedOn: on,
            policyVersion: ctx.policy.version,
          },
        },
      ];
    }

    case 'DisburseLoan': {
      const d = c.data;
      ensure(s.status === 'guaranteed', () =>
        s.status === 'disbursed'
          ? broken('LOAN.ALREADY_DISBURSED', 'The loan has already been disbursed.')
          : broken('LOAN.NOT_GUARANTEED', `The loan is ${s.status}: a bank disburses only a guaranteed loan.`),
      );
      ensure(d.borrowerFees === 0, () => broken('LOAN.FEES_FORBIDDEN', 'Neither the bank nor the centre may charge the borrower any fee.'));
      ensure(d.amount > 0 && d.amount <= s.guarantee!.amount, () =>
        broken('LOAN.DISBURSEMENT_EXCEEDS_GUARANTEE', `The bank can pay out at most the guaranteed ${formatYuan(s.guarantee!.amount)}.`),
      );
      ensure(on >= s.guarantee!.issuedOn, () =>
        invalid('LOAN.DISBURSED_BEFORE_GUARANTEE', 'The disbursement date is before the guarantee was issued.'),
      );
      const benchmark = benchmarkRate(ctx.policy, on, a.termMonths);
      ensure(d.contractRate > 0, () => invalid('LOAN.RATE_NOT_POSITIVE', 'Give the contract interest rate.'));
      ensure(a.kind === 'enterprise' || d.contractRate <= benchmark + ctx.policy.maxIndividualMarkup, () =>
        broken(
          'LOAN.RATE_TOO_HIGH',
          `The contract rate can be at most ${(benchmark + ctx.policy.maxIndividualMarkup) / 100}% (benchmark ${benchmark / 100}% plus ${ctx.policy.maxIndividualMarkup / 100} points).`,
        ),
      );
      const maturityDate = addMonths(on, a.termMonths);
      return [
        {
          type: 'Disbursed',
          data: {
            loanId,
            amount: d.amount,
            disbursedOn: on,
            maturityDate,
            contractRate: d.contractRate,
            benchmarkRate: benchmark,
            repaymentMethod: d.repaymentMethod,
            plan: repaymentPlan(d.repaymentMethod, d.amount, on, maturityDate),
            subsidy: subsidyTerms(a, ctx.policy),
            bankContractNo: d.bankContractNo,
          },
        },
      ];
    }

    case 'RecordRepayment':
      return decideRepayment(c.data, s, ctx);

    case 'CheckTimeLimits':
      return decideTimeLimits(s, ctx);

    case 'CheckRisk':
      return s.status === 'applied' ? decideRisk(s, c.riskFacts, 'day_end', ctx) : [];

    case 'ReviewRisk':
      return decideRiskReview(s, c.data, ctx);

    case 'MarkOverdue': {
      if (s.status !== 'disbursed') return [];
      const o = overdueOn(s.account!, on);
      if (o.principal <= s.marked.principal && o.interest <= s.marked.interest) return [];
      return [
        {
          type: 'Overdue',
          data: {
            loanId,
            asOf: on,
            overduePrincipal: o.principal,
            overdueInterest: o.interest,
            dueDate: o.since!,
            daysOverdue: daysBetween(o.since!, on),
          },
        },
      ];
    }

    case 'ExtendLoan': {
      const d = c.data;
      ensure(s.status === 'disbursed', () => broken('LOAN.CANNOT_EXTEND', `The loan is ${s.status}; only a running loan can be extended.`));
      ensure(!s.extended, () => broken('LOAN.ALREADY_EXTENDED', 'The loan has already been extended once; it cannot be extended again.'));
      ensure(d.guarantorConsent, () => broken('LOAN.EXTENSION_NEEDS_CONSENT', "An extension needs the guarantor's consent."));
      const maturity = s.account!.maturity;
      ensure(on <= maturity, () =>
        broken('LOAN.EXTENSION_AFTER_MATURITY', `An extension must be agreed by the maturity date ${maturity}.`),
      );
      const o = overdueOn(s.account!, on);
      ensure(o.principal === 0 && o.interest === 0, () => broken('LOAN.EXTENSION_WHILE_OVERDUE', 'An overdue loan cannot be extended.'));
      const limit = addMonths(s.disbursement!.originalMaturity, ctx.policy.maxExtensionMonths);
      ensure(d.newMaturity > maturity && d.newMaturity <= limit, () =>
        broken(
          'LOAN.EXTENSION_TOO_LONG',
          `The new maturity must be after ${maturity} and no later than ${limit} (${ctx.policy.maxExtensionMonths} months).`,
        ),
      );
      return [{ type: 'LoanExtended', data: { loanId, previousMaturity: maturity, newMaturity: d.newMaturity, extendedOn: on } }];
    }

    case 'PayCompensation': {
      ensure(s.status === 'disbursed', () =>
        broken('LOAN.CANNOT_COMPENSATE', `The loan is ${s.status}; only an unrecovered overdue loan can be compensated.`),
      );
      const o = overdueOn(s.account!, on);
      const days = o.since ? daysBetween(o.since, on) : 0;
      ensure(days > ctx.policy.compensationAfterOverdueDays, () =>
        broken(
          'LOAN.NOT_OVERDUE_LONG_ENOUGH',
          `Compensation is paid only on a loan more than ${ctx.policy.compensationAfterOverdueDays} days overdue; this one is ${days} days overdue.`,
        ),
      );
      const settled = settleAccrualOn(s.account!, on);
      const loss = add(settled.outstanding, unpaid(settled.interestDues.filter((d) => d.dueDate < on)));
      const share = ctx.reference.centre(a.centreId)?.compensationShare ?? ctx.policy.defaultCompensationShare;
      const amount = applyRate(loss, share);
      ensure(c.amount === undefined || c.amount === amount, () =>
        broken(
          'LOAN.COMPENSATION_CHANGED',
          `The loan changed while compensation was being paid: it now comes to ${formatYuan(amount)}, not ${formatYuan(c.amount!)}.`,
        ),
      );
      return [
        {
          type: 'CompensationPaid',
          data: {
            loanId,
            fundId: s.guarantee!.fundId,
            loss,
            amount,
            bankShare: sub(loss, amount),
            fundShare: share,
            daysOverdue: days,
            paidOn: on,
          },
        },
      ];
    }

    case 'CollectRecovery': {
      const claim = remainingClaim(s);
      // A loan written off keeps its claim on file (账销案存): what is recovered later is still recorded and credited.
      ensure(s.status === 'compensated' || s.status === 'written_off', () =>
        broken(
          'LOAN.NOT_COMPENSATED',
          'Recoveries are recorded only on a compensated loan, or one written off with its claim kept on file.',
        ),
      );
      ensure(c.data.amount > 0 && c.data.amount <= claim, () =>
        broken('LOAN.RECOVERY_EXCEEDS_CLAIM', `The fund can recover at most the ${formatYuan(claim)} still owed to it.`),
      );
      return [
        {
          type: 'RecoveryCollected',
          data: {
            loanId,
            fundId: s.guarantee!.fundId,
            borrowerId: a.borrowerId,
            amount: c.data.amount,
            source: c.data.source,
            remainingClaim: sub(claim, c.data.amount),
            afterWriteOff: s.status === 'written_off',
            collectedOn: on,
          },
        },
      ];
    }

    case 'WriteOffLoan':
      ensure(s.status === 'compensated', () =>
        broken('LOAN.CANNOT_WRITE_OFF', `The loan is ${s.status}; only a compensated loan with an unrecovered balance can be written off.`),
      );
      ensure(c.data.approvalRef.trim().length > 0, () =>
        invalid('LOAN.WRITE_OFF_NEEDS_APPROVAL', 'Give the reference of the approval to write off.'),
      );
      return [
        {
          type: 'LoanWrittenOff',
          data: {
            loanId,
            fundId: s.guarantee!.fundId,
            borrowerId: a.borrowerId,
            amount: remainingClaim(s),
            approvalRef: c.data.approvalRef,
            writtenOffOn: on,
          },
        },
      ];

    default:
      return unreachable(c);
  }
}

function decideRepayment(d: { principal: Fen; interest: Fen; borrowerFees: Fen }, s: LoanState, ctx: DecisionContext): LoanEvent[] {
  const on = ctx.businessDate;
  ensure(s.status === 'disbursed', () =>
    broken('LOAN.NOT_REPAYABLE', `The loan is ${s.status}; repayments are recorded only on a disbursed loan.`),
  );
  ensure(d.borrowerFees === 0, () => broken('LOAN.FEES_FORBIDDEN', 'Neither the bank nor the centre may charge the borrower any fee.'));
  ensure(on >= s.disbursement!.disbursedOn, () =>
    invalid('LOAN.REPAID_BEFORE_DISBURSEMENT', 'The repayment date is before the disbursement.'),
  );
  ensure(d.principal >= 0 && d.interest >= 0 && d.principal + d.interest > 0, () =>
    invalid('LOAN.REPAYMENT_EMPTY', 'A repayment must pay some principal or interest, and neither can be negative.'),
  );
  const account = settleAccrualOn(s.account!, on);
  ensure(d.principal <= account.outstanding, () =>
    broken(
      'LOAN.REPAYMENT_EXCEEDS_OUTSTANDING',
      `Only ${formatYuan(account.outstanding)} of principal is outstanding; ${formatYuan(d.principal)} was entered.`,
    ),
  );
  const interestOwed = unpaid(account.interestDues);
  ensure(d.interest <= interestOwed, () =>
    broken(
      'LOAN.INTEREST_EXCEEDS_OWED',
      `Only ${formatYuan(interestOwed)} of interest is owed up to ${on}; ${formatYuan(d.interest)} was entered.`,
    ),
  );

  const overdueBefore = overdueOn(s.account!, on);
  // Per period: interest paid by its due date, for days in the original term on which nothing was overdue.
  const subsidisable = subsidisablePart(account, d.interest, on);
  const subsidy = subsidyOn(subsidisable, s);
  const after = applyRepayment(account, d.principal, d.interest, on);
  const repaid: Repaid = {
    type: 'Repaid',
    data: {
      loanId: s.application!.loanId,
      principal: d.principal,
      interest: d.interest,
      paidOn: on,
      outstandingPrincipal: after.outstanding,
      subsidisableInterest: subsidisable,
      subsidyCentral: subsidy.central,
      subsidyLocal: subsidy.local,
    },
  };
  if (after.outstanding > 0 || unpaid(after.interestDues) > 0) return [repaid];
  return [
    repaid,
    {
      type: 'LoanSettled',
      data: {
        loanId: s.application!.loanId,
        fundId: s.guarantee!.fundId,
        borrowerId: s.application!.borrowerId,
        settledOn: on,
        onTime: !s.everOverdue && overdueBefore.principal === 0 && overdueBefore.interest === 0,
      },
    },
  ];
}
