/** Events of the Development and Reform Commission (risk warnings, livelihood projects). */
export type DrcEvent = never;

export const drcEventSchemas = {} as const satisfies Record<DrcEvent['type'], object>;
