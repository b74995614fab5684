import { ZERO, add } from '../shared/money';
import { broken, ensure, invalid } from '../shared/errors';
import type { InterestSubsidyClaimed, SubsidyClaim, SubsidyCommand, SubsidyState } from './subsidy';

type ClaimCommand = Extract<SubsidyCommand, { type: 'ClaimSubsidy' }>;

/**
 * Whether this claim, or this part of one, may be recorded now: a claim (or its first part) is new; a later
 * part follows the one before it. Nothing else is filed while a claim's parts are still coming, so what the
 * first part was checked against still holds for the rest. Returns the loans earlier parts listed.
 */
export function checkPart(c: ClaimCommand, s: SubsidyState): ReadonlySet<string> | undefined {
  const claim = s.claims[c.claimId];
  const { part = 1, parts = 1 } = c;
  if (c.part !== undefined || c.parts !== undefined)
    ensure(Number.isInteger(part) && Number.isInteger(parts) && parts >= 2 && part >= 1 && part <= parts, () =>
      invalid(
        'SUBSIDY.BAD_PART',
        `A claim's parts are numbered from 1 to the number of parts, at least 2; part ${c.part ?? '(none)'} of ${c.parts ?? '(none)'} is not one.`,
      ),
    );
  if (part === 1) {
    ensure(!claim, () => broken('SUBSIDY.CLAIM_EXISTS', `Claim ${c.claimId} has already been filed.`));
    const unfinished = Object.entries(s.claims).find(([, other]) => other.partsRecorded < other.parts);
    ensure(!unfinished, () =>
      broken(
        'SUBSIDY.CLAIM_IN_PROGRESS',
        `Claim ${unfinished![0]} for this bank and quarter has ${unfinished![1].partsRecorded} of its ${unfinished![1].parts} parts recorded; ` +
          'another claim can be filed once it is complete (the bank completes it by sending that claim again with the same request key).',
      ),
    );
    return undefined;
  }
  ensure(!!claim, () => broken('SUBSIDY.PART_OUT_OF_ORDER', `Part ${part} of claim ${c.claimId} cannot be recorded before its part 1.`));
  ensure(claim.parts === parts, () =>
    broken('SUBSIDY.PART_OUT_OF_ORDER', `Claim ${c.claimId} was filed in ${claim.parts} part(s), so it has no part ${part} of ${parts}.`),
  );
  ensure(claim.partsRecorded < part, () =>
    broken('SUBSIDY.PART_OUT_OF_ORDER', `Part ${part} of claim ${c.claimId} has already been recorded.`),
  );
  ensure(claim.partsRecorded === part - 1, () =>
    broken(
      'SUBSIDY.PART_OUT_OF_ORDER',
      `Part ${part} of claim ${c.claimId} cannot be recorded before part ${claim.partsRecorded + 1}: parts are recorded in order.`,
    ),
  );
  return claim.loanIds;
}

/** The claim with this part added: its totals grow, and the loans are remembered until the last part is in. */
export function withPart(claim: SubsidyClaim | undefined, d: InterestSubsidyClaimed['data']): SubsidyClaim {
  const parts = d.parts;
  const before = claim ?? { bankCode: d.bankCode, central: ZERO, local: ZERO, paidCentral: ZERO, paidLocal: ZERO, parts, partsRecorded: 0 };
  const partsRecorded = before.partsRecorded + 1;
  const { loanIds: _, ...rest } = before;
  const after: SubsidyClaim = { ...rest, central: add(before.central, d.central), local: add(before.local, d.local), partsRecorded };
  if (partsRecorded < parts) after.loanIds = new Set([...(before.loanIds ?? []), ...d.items.map((i) => i.loanId)]);
  return after;
}
