/**
 * One readable line per event type. The mapped type makes the table exhaustive:
 * an event type without a summary does not compile.
 */
export type SummaryTable<E extends { type: string; data: unknown }> = {
  readonly [T in E['type']]: (data: Extract<E, { type: T }>['data']) => string;
};
