import { command, fen, int, obj, str } from '../http/schema';

/** The answers of the fund, borrower, subsidy-claim and target endpoints (see http/schema.ts). */
export const CONTRIBUTED = command({ fundId: str });
export const FUND = obj(
  {
    fundId: str,
    balanceFen: fen(),
    guaranteesOutstandingFen: fen(),
    leverageMultiple: { type: 'integer', description: 'Guarantees may reach this many times the balance' },
    headroomFen: fen('What may still be guaranteed under the leverage cap'),
    guaranteesOpen: int,
    revision: str,
  },
  ['revision'],
);
export const BORROWER = obj({ borrowerId: str, maskedIdNumber: str });
export const CLAIM_COMMAND = command({ claimId: str });
export const TARGET_SET = command({ regionCode: str, year: int });
