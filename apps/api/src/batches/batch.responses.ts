import { arr, int, obj, oneOf, str } from '../http/schema';

/** The answer to a bank's upload (see http/schema.ts): the counts, and each line's outcome. */
export const BATCH = obj({
  batchId: str,
  lines: int,
  recorded: int,
  recordedBefore: int,
  refused: int,
  results: arr(
    obj({ line: int, loanId: str, outcome: oneOf('recorded', 'recorded_before', 'refused'), code: str, reason: str, eventIds: arr(str) }, [
      'loanId',
      'code',
      'reason',
      'eventIds',
    ]),
  ),
});
