import { DomainError } from '@app/domain';
import { AppendTooLargeError } from '../store.port';

/** The same command id with a different request: a client's bug, never a retry. */
export function idReused(): DomainError {
  return new DomainError('COMMAND.ID_REUSED', 'This request id was already used for a different request; use a new id.', 'conflict');
}

/** More than the store takes in one write: the request must be sent in smaller parts. */
export function tooLarge(error: AppendTooLargeError): DomainError {
  return new DomainError(
    'COMMAND.TOO_LARGE',
    `This request would record more than the ${Math.floor(error.limit / 1024)} KB the event store takes at once; send it in smaller parts.`,
    'invalid',
  );
}

/** A figure too large to keep exact (past 2^53, or past the programme's bounds) is bad input, not a crash. */
export function outOfRange(error: RangeError): DomainError {
  return new DomainError(
    'COMMAND.NUMBER_OUT_OF_RANGE',
    `A figure in this request is too large to record exactly (${error.message}).`,
    'invalid',
  );
}
