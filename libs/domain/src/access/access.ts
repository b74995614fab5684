import { Actor, ROLES, Role } from '../shared/actor';
import { ReferenceData } from '../reference/reference';

/**
 * Who may do what: the one place the programme's access rules live. Every endpoint names one action;
 * an action not in this table is denied to everyone, and a role not listed for an action is denied it.
 * `docs/security.md` prints this table (a test keeps the two the same).
 */

/** How far an action reaches: a loan's or fund's region, a bank's own loans, or everywhere. */
export type Reach = 'region' | 'bank' | 'anywhere';

export interface Rule {
  /** What the action is, for people reading the table and the refusals. */
  does: string;
  roles: readonly Role[];
  /** Whether a service key may be given the action as a scope. */
  serviceScope?: boolean;
}

const CENTRE: Role[] = ['centre_clerk', 'centre_manager'];
/** Who reads histories of events: they name the staff who acted, which analysts (projections only) do not see. */
const READ_HISTORIES: Role[] = [...CENTRE, 'finance_officer', 'province_admin', 'auditor'];
const READ_LEDGERS: Role[] = [...READ_HISTORIES, 'analyst'];

export const ACCESS = {
  'loan.apply': { does: 'take a loan application', roles: CENTRE },
  'loan.reject': { does: 'reject an application', roles: CENTRE },
  'loan.guarantee': { does: 'issue a guarantee', roles: CENTRE },
  'loan.second-support': { does: 'grant second support', roles: CENTRE },
  'loan.risk-review': { does: 'decide on an application risk control flagged', roles: CENTRE },
  'loan.extend': { does: 'extend a loan', roles: CENTRE },
  'loan.compensate': { does: 'pay compensation from a fund', roles: ['centre_manager'] },
  'loan.recover': { does: 'record money recovered', roles: CENTRE },
  'loan.write-off': { does: 'write off a loan', roles: ['centre_manager'] },
  'loan.disburse': { does: 'record a disbursement', roles: ['bank_clerk'] },
  'loan.repay': { does: 'record a repayment', roles: ['bank_clerk'] },
  'loan.read': { does: 'read a loan and its history', roles: [...CENTRE, 'bank_clerk', 'auditor'] },
  'borrower.lookup': { does: 'look a borrower up by ID number', roles: CENTRE },
  'borrower.read': { does: "read a borrower's history", roles: [...CENTRE, 'auditor'] },
  'borrower.erase': { does: "erase a borrower's personal data, on a request with its legal basis", roles: ['province_admin'] },
  'fund.contribute': { does: 'contribute to a guarantee fund', roles: ['finance_officer'] },
  'fund.read': { does: 'read a guarantee fund', roles: READ_LEDGERS },
  'fund.events.read': { does: "read a guarantee fund's events", roles: READ_HISTORIES },
  'subsidy.claim': { does: 'claim interest subsidy', roles: ['bank_clerk'] },
  'subsidy.pay': { does: 'pay interest subsidy', roles: ['finance_officer'] },
  'subsidy.read': { does: "read a bank's subsidy claims", roles: ['bank_clerk', 'finance_officer', 'auditor'] },
  'target.set': { does: "set a region's annual target", roles: ['province_admin'] },
  'target.read': { does: "read a region's annual targets as they were set", roles: READ_HISTORIES },
  'ledger.read': { does: 'query the ledgers, the bulletin and their exports', roles: READ_LEDGERS, serviceScope: true },
  'assessment.read': {
    does: 'read the performance assessment of centres, bank branches and their staff',
    roles: ['centre_manager', 'province_admin', 'auditor'],
  },
  'stream.read': { does: 'read any stream of events', roles: ['auditor'], serviceScope: true },
  'feed.read': { does: 'follow the feed of events', roles: ['auditor'], serviceScope: true },
  'reference.read': { does: 'read the reference data', roles: [...READ_LEDGERS, 'bank_clerk', 'operator'] },
  'projections.status': { does: 'see the projections and their lag', roles: ['operator', 'auditor', 'analyst'] },
  'projections.rebuild': { does: 'rebuild the projections', roles: ['operator'] },
  'webhooks.manage': { does: "register services' webhooks and replay what they missed", roles: ['operator'] },
  'operations.day-end': { does: 'run the day-end', roles: ['operator'] },
  'operations.reconcile': { does: 'reconcile half-done writes', roles: ['operator'] },
  'audit.read': { does: "read the history's signed digests and proofs, and run the verifier", roles: ['auditor'], serviceScope: true },
  'bulletin.publish': { does: "publish a month's bulletin (its content's hash recorded)", roles: ['province_admin'] },
  'audit.seal': { does: 'seal a month: sign its digest of the history', roles: ['operator'] },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof ACCESS;
export const ACTIONS = Object.keys(ACCESS) as Action[];
/** The actions a service key may be given. */
export const SERVICE_SCOPES = ACTIONS.filter((a) => (ACCESS[a] as Rule).serviceScope);

/** The roles a person's token may carry: `service` is for keys, `system` for the programme itself. */
export const PERSON_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'service' && r !== 'system');

/** Who is asking: the actor recorded on events, and for a service the actions its key was given. */
export interface Principal extends Actor {
  kind: 'person' | 'service';
  scopes: readonly Action[];
}

/** The region or bank an action touches, for the actions that reach only so far. */
export interface Target {
  /** The region (county) of a loan, or of the centre running a fund. */
  regionCode?: string;
  /** The bank whose loan or claim it is. */
  bankCode?: string;
}

export type Verdict = { allowed: true } | { allowed: false; code: 'ACCESS.DENIED' | 'ACCESS.OUTSIDE_JURISDICTION'; message: string };

const ALLOWED: Verdict = { allowed: true };

/** Whether the principal's role (or, for a service, its scopes) allows the action at all. */
export function mayDo(p: Principal, action: Action): Verdict {
  const rule: Rule = ACCESS[action];
  // A service holds only the scopes it was given, and only among those a service may be given (whatever its key file says).
  const allowed =
    p.kind === 'service'
      ? p.role === 'service' && p.scopes.includes(action) && SERVICE_SCOPES.includes(action)
      : (rule.roles as Role[]).includes(p.role);
  if (allowed) return ALLOWED;
  const who = p.kind === 'service' ? `The service key ${p.userId}` : withArticle(ROLE_NAMES[p.role] ?? p.role);
  return { allowed: false, code: 'ACCESS.DENIED', message: `${who} may not ${rule.does}. Nothing was recorded.` };
}

/**
 * Whether the principal reaches the target: centre staff reach the region their centre serves (a county, a
 * city with its counties, or the province); bank staff reach their own institution's loans; finance staff the
 * funds of their region. Roles without a jurisdiction (auditors, the province's office) reach everywhere.
 */
export function reaches(p: Principal, target: Target, reference: ReferenceData): Verdict {
  const region = regionOf(p, reference);
  if (region === null && p.role !== 'bank_clerk') return ALLOWED;
  if (p.role === 'bank_clerk') {
    const bank = bankOf(p, reference);
    // A record whose bank is not known is no bank's: bank staff are refused it. Whose it is stays unsaid.
    if (target.bankCode !== undefined && bank !== undefined && bank === target.bankCode) return ALLOWED;
    return outside(`A bank clerk of ${p.organisationId} acts only on ${bank ?? 'their own bank'}'s loans; this is not one of them.`);
  }
  if (target.regionCode === undefined) return ALLOWED;
  if (region !== undefined && reference.lineage(target.regionCode).some((r) => r.code === region)) return ALLOWED;
  return outside(
    `${withArticle(ROLE_NAMES[p.role] ?? p.role)} of ${p.organisationId} acts only in region ${region ?? '(none)'}; this is outside it.`,
  );
}

/**
 * The region a principal's organisation covers: a centre's region for centre staff, the region code of a
 * finance department (`FIN-360721`, or the bare code) for finance staff; null when the role has no region.
 * Undefined when the organisation is not one the role can belong to, which reaches nothing.
 */
export function regionOf(p: Principal, reference: ReferenceData): string | null | undefined {
  if (p.role === 'centre_clerk' || p.role === 'centre_manager') return reference.centre(p.organisationId)?.regionCode;
  if (p.role === 'finance_officer') {
    const code = p.organisationId.replace(/^FIN-/, '');
    return reference.region(code) ? code : undefined;
  }
  return null;
}

/** A bank clerk's institution: their branch's bank (`ABC-360721` → ABC), or the bank itself for its head office. */
export function bankOf(p: Principal, reference: ReferenceData): string | undefined {
  return reference.branch(p.organisationId)?.bankCode ?? reference.bank(p.organisationId)?.code;
}

const withArticle = (name: string) => `${/^[aeiou]/.test(name) ? 'An' : 'A'} ${name}`;

function outside(message: string): Verdict {
  return { allowed: false, code: 'ACCESS.OUTSIDE_JURISDICTION', message: `${message} Nothing was recorded.` };
}

const ROLE_NAMES: Partial<Record<Role, string>> = {
  centre_clerk: 'centre clerk',
  centre_manager: 'centre manager',
  bank_clerk: 'bank clerk',
  finance_officer: 'finance officer',
  province_admin: 'province programme officer',
  auditor: 'auditor',
  analyst: 'analyst',
  operator: 'operator',
};
