import { BusinessDate } from './dates';
import { Policy } from '../policy/policy';
import { ReferenceData } from '../reference/reference';

/** What every decision gets besides the command and the state: the date it happens on and the rules in force. */
export interface DecisionContext {
  businessDate: BusinessDate;
  policy: Policy;
  reference: ReferenceData;
}

export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/** An aggregate as a pure decider: decide(command, state) → events; evolve(state, event) → state. */
export interface Decider<C, E extends DomainEvent, S> {
  initialState: () => S;
  decide: (command: C, state: S, ctx: DecisionContext) => E[];
  evolve: (state: S, event: E) => S;
}
