/**
 * A decider is the whole behaviour of one aggregate as three pure functions:
 * what happens when a command meets the current state (`decide`), how an event
 * changes the state (`evolve`), and where every stream starts (`initialState`).
 * No I/O, no clock, no random ids: those arrive inside the command.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Folds a stream's events into the decider's state. */
export function fold<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: Iterable<Event>,
  state: State = decider.initialState(),
): State {
  let current = state;
  for (const event of events) current = decider.evolve(current, event);
  return current;
}

/**
 * A command broke a business rule. `code` is stable for clients; `details`
 * carries what a caller needs to correct the request (e.g. the allowed range).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Compile-time exhaustiveness check for `switch` over a union. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
