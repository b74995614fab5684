import Ajv, { ValidateFunction } from 'ajv';
import { DomainEvent, currentSchema, eventContract } from '@app/domain';

/**
 * An event the domain decided does not match its published schema: a fault of the program, not of the
 * request. Nothing of the command is recorded, so no consumer ever receives an event its contract denies.
 */
export class EventContractError extends Error {
  constructor(type: string, problems: string) {
    super(`The system decided a ${type} event that does not match its published schema (${problems}); nothing was recorded.`);
    this.name = 'EventContractError';
  }
}

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<string, ValidateFunction>();

function validatorOf(type: string): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    const schema = currentSchema(type);
    if (!schema) throw new EventContractError(type, 'the programme publishes no such event type');
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new EventContractError(type, `its published schema cannot be used: ${(error as Error).message}`);
    }
    validators.set(type, validate);
  }
  return validate;
}

/** Checks events against their current schemas, and returns each one's schema version for its metadata. */
export function checkedVersions(events: readonly DomainEvent[]): number[] {
  return events.map((e) => {
    const validate = validatorOf(e.type);
    if (!validate(e.data)) throw new EventContractError(e.type, ajv.errorsText(validate.errors, { dataVar: 'data' }));
    return eventContract(e.type)!.version;
  });
}
