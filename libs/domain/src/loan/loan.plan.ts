import { Fen, bp, fen } from '../shared/money';
import { BusinessDate, addDays, settlementDatesBetween } from '../shared/dates';
import { Policy } from '../policy/policy';
import { Instalment, LoanApplication, RepaymentMethod, SubsidyTerms } from './loan.events';

/**
 * The principal schedule. Interest is settled quarterly on the 20th whatever the method, so both plans
 * differ only in when principal falls due: all at maturity, or equal parts on each quarterly 20th before
 * maturity and the rest at maturity.
 */
export function repaymentPlan(method: RepaymentMethod, amount: Fen, disbursedOn: BusinessDate, maturity: BusinessDate): Instalment[] {
  if (method === 'interest_quarterly_principal_at_maturity') return [{ dueDate: maturity, principal: amount }];
  const dates = [...settlementDatesBetween(addDays(disbursedOn, 1), addDays(maturity, -1)), maturity];
  const part = Math.floor(amount / dates.length);
  return dates.map((dueDate, i) => ({ dueDate, principal: fen(i === dates.length - 1 ? amount - part * (dates.length - 1) : part) }));
}

/** Individual, partnership and second-support micro-profit loans: central finance pays all; enterprises share. */
export function subsidyTerms(application: LoanApplication, policy: Policy): SubsidyTerms {
  if (application.kind === 'enterprise') {
    return {
      scheme: 'enterprise_shared',
      centralShare: policy.enterpriseSubsidyCentralShare,
      principalCap: policy.enterpriseSubsidyPrincipalCap,
    };
  }
  return application.microProfit ? { scheme: 'central_full', centralShare: bp(10_000) } : { scheme: 'none', centralShare: bp(0) };
}
