import { arr, date, instant, int, obj, str } from '../http/schema';

/** The answer to an erasure (see http/schema.ts): every erasure of the borrower's keys recorded so far. */
export const ERASED = obj({
  borrowerId: str,
  erasures: arr(
    obj({ borrowerId: str, keyGenerations: arr(int), legalBasis: str, requestReference: str, erasedAt: instant, erasedOn: date }),
  ),
});
