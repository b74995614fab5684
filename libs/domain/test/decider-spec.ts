import { Decider, DecisionContext, DomainError, DomainEvent } from '../src';
import { ctx } from './fixtures';

/**
 * Given / when / then for a decider, after Emmett's `DeciderSpecification`:
 *
 *   const given = DeciderSpecification.for(loanDecider);
 *   given([applied()]).when(guarantee(), '2011-01-08').then([guaranteeIssued()]);
 *   given([applied()]).when(disburse(), '2011-01-10').thenRefuses('LOAN.NOT_GUARANTEED');
 *   given([...running()]).when(markOverdue, '2011-03-20').thenNothingHappened();
 *
 * `given` takes the stream's past events, `when` a command and the business date it is decided on (the
 * policy in force that day and the Jiangxi reference data make up the rest of the context). `then` checks
 * the whole list of events decided, in order, with exact data (`toEqual`), and returns the state they lead
 * to; `thenRefuses` checks the command is refused with a `DomainError` of that code and returns the error.
 * The state is folded afresh for every `when`: the fund's fold updates its maps in place.
 *
 * A spec that needs other reference data or policy passes its own context for a date as the second argument:
 *
 *   const given = DeciderSpecification.for(loanDecider, (on) => ({ ...ctx(on), reference: otherReference }));
 */
export const DeciderSpecification = {
  for<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, context: (on: string) => DecisionContext = ctx) {
    const fold = (events: readonly E[]) => events.reduce(decider.evolve, decider.initialState());
    return (history: readonly E[] = []) => ({
      when: (command: C, on: string) => {
        const decide = () => decider.decide(command, fold(history), context(on));
        return {
          then(expected: readonly E[]): S {
            const decided = decide();
            expect(decided).toEqual(expected);
            return fold([...history, ...decided]);
          },
          thenNothingHappened(): S {
            expect(decide()).toEqual([]);
            return fold(history);
          },
          thenRefuses(code: string): DomainError {
            let decided: E[];
            try {
              decided = decide();
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              expect(error.code).toBe(code);
              return error;
            }
            throw new Error(`expected ${code}, but the command was accepted and decided ${JSON.stringify(decided)}`);
          },
        };
      },
    });
  },
};
