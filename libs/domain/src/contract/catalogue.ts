import type { ProgrammeEventType } from '../events';

/** An upcaster turns the data of one version of an event into the next version's. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventContract {
  /** Which record's stream carries it: the stream name is this category, a dash, and the record's id. */
  category: 'loan' | 'borrower' | 'fund' | 'subsidy' | 'target' | 'digest' | 'bulletin' | 'erasure';
  /** What the event means, for the published reference (docs/events.md and the AsyncAPI document). */
  meaning: string;
  /** The version the domain records now; consumers and projections only ever see this one. */
  version: number;
  /** `upcasters[v]` turns version v into v + 1, for every v below `version`. */
  upcasters?: Record<number, Upcaster>;
}

/**
 * The published contract of every event, one entry per type (the compiler refuses a type without one).
 * Changing what an event records means a new version here, with an upcaster from the one before, and
 * `npm run contract` to publish its schema; published versions are frozen (the contract test checks).
 */
export const EVENT_CATALOGUE: Record<ProgrammeEventType, EventContract> = {
  LoanApplied: {
    category: 'loan',
    meaning:
      'A borrower applied for a guaranteed start-up loan at a guarantee centre (受理). The borrower appears only as a keyed hash of the ID number and its masked form; contact details are sealed, and what risk control matches on is kept as keyed hashes.',
    version: 2,
    // Version 2 adds the optional contact details, business licence, guarantor and risk keys; version 1 had none.
    upcasters: { 1: (data) => data },
  },
  LoanApplicationRejected: {
    category: 'loan',
    meaning: 'The centre or the bank turned the application down, with the reason; the loan goes no further.',
    version: 1,
  },
  SecondSupportGranted: {
    category: 'loan',
    meaning:
      'A borrower who repaid a first loan on time and created the jobs policy asks for is allowed a second, larger loan (二次扶持), up to the cap stated.',
    version: 1,
  },
  GuaranteeIssued: {
    category: 'loan',
    meaning: "The centre's guarantee fund stands behind the loan for the amount stated (担保); finance pays the guarantee fee.",
    version: 1,
  },
  Disbursed: {
    category: 'loan',
    meaning: 'The bank paid the loan out (发放), with its rate, repayment plan and the interest subsidy it will earn.',
    version: 1,
  },
  Repaid: {
    category: 'loan',
    meaning: 'The borrower repaid principal and interest; the event states the principal left and the subsidy the payment earned.',
    version: 1,
  },
  Overdue: {
    category: 'loan',
    meaning:
      'The day-end run found principal or interest unpaid after its due date (逾期); recorded again whenever the overdue amounts grow.',
    version: 1,
  },
  LoanExtended: { category: 'loan', meaning: "The bank extended the loan's maturity (展期).", version: 1 },
  LoanSettled: {
    category: 'loan',
    meaning: 'The loan is repaid in full (结清), on time or not; its guarantee is released from the fund.',
    version: 1,
  },
  CompensationPaid: {
    category: 'loan',
    meaning: "The guarantee fund paid the bank its share of an overdue loan's loss (代偿); the bank bears the rest.",
    version: 1,
  },
  RecoveryCollected: {
    category: 'loan',
    meaning:
      'Money recovered after a compensation (追偿), from the borrower, a counter-guarantor or collateral; it goes back to the fund. A loan written off keeps its claim on file (账销案存), so recoveries go on after a write-off.',
    version: 2,
    // Version 1 was recorded only before a write-off: recoveries after one were refused then.
    upcasters: { 1: (data) => ({ ...data, afterWriteOff: false }) },
  },
  LoanWrittenOff: {
    category: 'loan',
    meaning: 'A compensated loan that cannot be recovered is written off (核销) with the approval referenced.',
    version: 1,
  },
  BorrowerLoanOpened: {
    category: 'borrower',
    meaning: "A loan was opened on the borrower's record: a person holds one open loan at a time across the province.",
    version: 1,
  },
  BorrowerLoanClosed: {
    category: 'borrower',
    meaning: "A loan on the borrower's record closed, with its outcome (which decides whether a second loan may follow).",
    version: 1,
  },
  GuaranteeFundContributed: {
    category: 'fund',
    meaning: "Money paid into a centre's guarantee fund (担保基金), from finance, a reward, interest or guarantee fees.",
    version: 1,
  },
  FundExposureReserved: {
    category: 'fund',
    meaning: "A guarantee's amount reserved against the fund before it is issued, so guarantees stay within the fund's leverage.",
    version: 1,
  },
  FundExposureReleased: {
    category: 'fund',
    meaning: 'A reserved guarantee amount released: the loan settled, was rejected, or the guarantee was not issued.',
    version: 1,
  },
  FundCompensationCharged: {
    category: 'fund',
    meaning: "A compensation paid to a bank charged to the fund's balance, and the loan's guarantee released.",
    version: 1,
  },
  FundRecoveryCredited: {
    category: 'fund',
    meaning: 'Money recovered on a compensated loan credited back to the fund, including a loan written off whose claim is kept on file.',
    version: 2,
    // Version 1 was recorded only before a write-off: recoveries after one were refused then.
    upcasters: { 1: (data) => ({ ...data, afterWriteOff: false }) },
  },
  FundCompensationReversed: {
    category: 'fund',
    meaning: 'A compensation charged to the fund whose payment on the loan could not be recorded, put back.',
    version: 1,
  },
  InterestSubsidyClaimed: {
    category: 'subsidy',
    meaning:
      "A bank's quarterly claim for interest subsidy (贴息) on the loans listed. A claim too large for one write is recorded in parts, each with its own loans and totals.",
    version: 2,
    // Version 1 gave `part` and `parts` only for a claim in several parts; a claim in one part is part 1 of 1.
    upcasters: { 1: (data) => ({ ...data, part: data.part ?? 1, parts: data.parts ?? 1 }) },
  },
  InterestSubsidyPaid: {
    category: 'subsidy',
    meaning: "Finance paid a bank's subsidy claim, central and local shares.",
    version: 1,
  },
  AnnualTargetSet: {
    category: 'target',
    meaning: "A region's lending target for a year, against which the monthly bulletin reports completion.",
    version: 1,
  },
  HistoryDigestSigned: {
    category: 'digest',
    meaning:
      "A month end sealed: the Merkle root (RFC 6962) over the whole history as it then stood, signed with the programme's Ed25519 key, for auditors to check the history against.",
    version: 1,
  },
  BulletinPublished: {
    category: 'bulletin',
    meaning:
      "A month's bulletin published: the moment whose knowledge it shows and the hash of its content, so that it can be rebuilt byte for byte from the history known then.",
    version: 1,
  },
  StepPastDeadline: {
    category: 'loan',
    meaning:
      "限时办结: a step of the loan (the centre's decision on an application, or the bank's disbursement of a guaranteed loan) still not done the day after its deadline, found by the day-end run; recorded once per step.",
    version: 1,
  },
  RiskFlagged: {
    category: 'loan',
    meaning:
      "Risk control (避免重复贷款、套取贷款) found, at the application or in the day-end re-check, a detail shared with another borrower, a loan in another person's name, a guarantor over the limit or refusals at other centres; a centre officer must review it before the guarantee.",
    version: 1,
  },
  RiskReviewed: {
    category: 'loan',
    meaning:
      "A centre officer's decision on a flagged application, with their reasons: cleared to go on, or declined (the application is then rejected).",
    version: 1,
  },
  BorrowerDataErased: {
    category: 'erasure',
    meaning:
      "A borrower's personal data erased: the keys it was sealed with destroyed, on the legal basis and request recorded. Every event and ledger row stays; the sealed values in them can no longer be read.",
    version: 1,
  },
};

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as ProgrammeEventType[];
