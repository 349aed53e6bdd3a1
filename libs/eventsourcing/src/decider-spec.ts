import { isDeepStrictEqual, inspect } from 'node:util';
import type { Decider } from './decider.js';

/**
 * Given/when/then for deciders, no I/O:
 *
 *   spec.given([issueReported]).when(acknowledge).then([issueAcknowledged]);
 *   spec.given([]).when(penalty).thenThrows(DomainError, (e) => e.code === '721-order');
 *
 * Throws an Error describing the difference, which any test runner reports.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const run = (): readonly Event[] => {
            let state = decider.initialState();
            for (const event of events) state = decider.evolve(state, event);
            return decider.decide(command, state);
          };
          return {
            then(expected: readonly Event[]): void {
              const actual = run();
              if (!isDeepStrictEqual(actual, expected))
                throw new Error(
                  `decider produced\n${inspect(actual, { depth: 8 })}\nbut expected\n${inspect(expected, { depth: 8 })}`,
                );
            },
            thenThrows<E extends Error>(
              type: abstract new (...args: never[]) => E,
              check: (error: E) => boolean = () => true,
            ): E {
              let produced: readonly Event[];
              try {
                produced = run();
              } catch (error) {
                if (error instanceof type && check(error)) return error;
                throw new Error(`decider threw an unexpected error: ${inspect(error)}`);
              }
              throw new Error(
                `decider should have thrown ${type.name} but produced ${inspect(produced, { depth: 8 })}`,
              );
            },
          };
        },
      };
    },
  };
}
