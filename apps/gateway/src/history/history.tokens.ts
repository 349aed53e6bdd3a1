/** The PostgreSQL event store handle of the history endpoints. */
export const HISTORY_STORE = Symbol('HISTORY_STORE');
