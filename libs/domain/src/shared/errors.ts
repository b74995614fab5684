/**
 * A business "no" or bad input, with a stable code (`LOAN.CAP_EXCEEDED`) and a message a clerk understands.
 * The kind says how the edge should answer; the domain knows nothing of HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'rule' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'invalid', details);
export const notFound = (code: string, message: string) => new DomainError(code, message, 'not_found');
export const broken = (code: string, message: string, details?: Record<string, unknown>) => new DomainError(code, message, 'rule', details);

/** Throws the rule's error when the condition does not hold. */
export function ensure(condition: boolean, error: () => DomainError): asserts condition {
  if (!condition) throw error();
}

/** Exhaustiveness check for switches over events and commands. */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
