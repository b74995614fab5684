import { BusinessDate } from '../shared/dates';
import { DecisionContext, DomainEvent } from '../shared/decider';
import { broken, ensure, invalid } from '../shared/errors';
import { Policy } from '../policy/policy';
import type { LoanApplicationRejected } from './loan.events';
import type { LoanState } from './loan.state';

/**
 * Risk control (避免重复贷款、套取贷款): an application is matched against every other one in the province on
 * what a loan in another person's name, or a ring of borrowers, would share. The edge turns each of those
 * details into a keyed hash of its normal form (a blind index), so matching never needs the details themselves.
 * `project` is the project's name at its address: a name alone names no business (a county has hundreds of orange groves).
 */
export const RISK_KEY_KINDS = ['phone', 'address', 'bank_account', 'business_licence', 'project'] as const;
export type RiskKeyKind = (typeof RISK_KEY_KINDS)[number];
/** Keyed hashes of an application's details, for matching only. */
export type RiskKeys = Partial<Record<RiskKeyKind, string>>;

/** Details that point to one household or one ring when two borrowers share them, whatever became of the other loan. */
const CONTACT_KEYS: readonly RiskKeyKind[] = ['phone', 'address', 'bank_account'];

/**
 * - `shared_contact`: another borrower gave the same phone, address or bank account;
 * - `loan_in_other_name`: another borrower's open loan is for the same business (its licence, or its project at its address);
 * - `guarantor_over_limit`: the guarantor stands behind more open loans than the policy allows;
 * - `refused_elsewhere`: the borrower's applications were refused at other centres.
 */
export const RISK_REASONS = ['shared_contact', 'loan_in_other_name', 'guarantor_over_limit', 'refused_elsewhere'] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

export interface RiskFinding {
  reason: RiskReason;
  /** What matched, for a shared detail. */
  key?: RiskKeyKind;
  /** The other loans behind the finding. */
  loanIds: string[];
}

/** What the register of applications knows that bears on one application. */
export interface RiskFacts {
  /** Loans of other borrowers that share a detail with this application. */
  sharing: Array<{ key: RiskKeyKind; loanId: string; open: boolean }>;
  /** The other open loans the same guarantor stands behind. */
  guarantorLoans: string[];
  /** The borrower's earlier applications that were refused, and by which centre. */
  refusals: Array<{ loanId: string; centreId: string }>;
}

export const NO_RISK_FACTS: RiskFacts = { sharing: [], guarantorLoans: [], refusals: [] };

export const RISK_DECISIONS = ['cleared', 'declined'] as const;
export type RiskDecision = (typeof RISK_DECISIONS)[number];

export type RiskFlagged = DomainEvent<
  'RiskFlagged',
  {
    loanId: string;
    /** What was found; a later check records only what is new. */
    findings: RiskFinding[];
    /** At the application, or by the day-end's re-check of applications still waiting for a decision. */
    foundBy: 'application' | 'day_end';
    foundOn: BusinessDate;
  }
>;
export type RiskReviewed = DomainEvent<
  'RiskReviewed',
  {
    loanId: string;
    /** `cleared`: the officer found an explanation and the loan may go on; `declined`: the application is rejected. */
    decision: RiskDecision;
    /** The officer's reasons, as they wrote them. */
    note: string;
    reviewedOn: BusinessDate;
  }
>;

/** The findings of the policy's risk rules for one application, given what the register knows. */
export function riskFindings(centreId: string, facts: RiskFacts, policy: Policy): RiskFinding[] {
  const found: RiskFinding[] = [];
  const matching = (key: RiskKeyKind, openOnly: boolean) =>
    [...new Set(facts.sharing.filter((m) => m.key === key && (m.open || !openOnly)).map((m) => m.loanId))].sort();
  for (const key of CONTACT_KEYS) {
    const loanIds = matching(key, false);
    if (loanIds.length) found.push({ reason: 'shared_contact', key, loanIds });
  }
  for (const key of ['business_licence', 'project'] as const) {
    const loanIds = matching(key, true);
    if (loanIds.length) found.push({ reason: 'loan_in_other_name', key, loanIds });
  }
  if (facts.guarantorLoans.length + 1 > policy.risk.maxOpenLoansPerGuarantor)
    found.push({ reason: 'guarantor_over_limit', loanIds: [...facts.guarantorLoans].sort() });
  const elsewhere = facts.refusals.filter((r) => r.centreId !== centreId).map((r) => r.loanId);
  if (elsewhere.length >= policy.risk.refusalsElsewhere) found.push({ reason: 'refused_elsewhere', loanIds: elsewhere.sort() });
  return found;
}

/** A mark per finding and loan, so that a re-check records only what it had not found before. */
const mark = (f: RiskFinding, loanId: string) => `${f.reason}:${f.key ?? ''}:${loanId}`;
const marks = (findings: RiskFinding[]) => findings.flatMap((f) => f.loanIds.map((id) => mark(f, id)));

/** The findings not recorded on the loan yet (each loan behind a finding is recorded once). */
export function decideRisk(s: LoanState, facts: RiskFacts, foundBy: RiskFlagged['data']['foundBy'], ctx: DecisionContext): RiskFlagged[] {
  const a = s.application!;
  const seen = new Set(s.risk.seen);
  const findings = riskFindings(a.centreId, facts, ctx.policy)
    .map((f) => ({ ...f, loanIds: f.loanIds.filter((id) => !seen.has(mark(f, id))) }))
    .filter((f) => f.loanIds.length);
  if (!findings.length) return [];
  return [{ type: 'RiskFlagged', data: { loanId: a.loanId, findings, foundBy, foundOn: ctx.businessDate } }];
}

/** What a loan's history of flags and reviews says: the marks seen, and whether an officer must still decide. */
export function evolveRisk(risk: LoanState['risk'], e: RiskFlagged | RiskReviewed): LoanState['risk'] {
  if (e.type === 'RiskReviewed') return { ...risk, pending: false };
  return { pending: true, seen: [...risk.seen, ...marks(e.data.findings)] };
}

/** A centre officer decides on a flagged application; declining it rejects it. */
export function decideRiskReview(
  s: LoanState,
  d: { decision: RiskDecision; note: string },
  ctx: DecisionContext,
): Array<RiskReviewed | LoanApplicationRejected> {
  const a = s.application!;
  ensure(s.status === 'applied' && s.risk.pending, () =>
    broken(
      'RISK.NOTHING_TO_REVIEW',
      'This loan has no risk flag waiting for a decision: only a flagged application not yet guaranteed is reviewed.',
    ),
  );
  ensure(d.note.trim().length > 0, () => invalid('RISK.REVIEW_NEEDS_NOTE', 'Write down what was checked and why it was decided so.'));
  const reviewed: RiskReviewed = { type: 'RiskReviewed', data: { loanId: a.loanId, ...d, reviewedOn: ctx.businessDate } };
  if (d.decision === 'cleared') return [reviewed];
  const rejected: LoanApplicationRejected = {
    type: 'LoanApplicationRejected',
    data: { loanId: a.loanId, borrowerId: a.borrowerId, reasonCode: 'RISK_DECLINED', note: d.note, rejectedOn: ctx.businessDate },
  };
  return [reviewed, rejected];
}
