/** The first instant of the 721 look-back window ending at `now`, in calendar months (UTC). */
export function lookBackStart(now: Date, months: number): Date {
  const start = new Date(now.getTime());
  start.setUTCMonth(start.getUTCMonth() - months);
  return start;
}

/** Steps of the progression that still count at `now`. */
export function withinLookBack<T extends { readonly issuedAt: string }>(
  steps: readonly T[],
  now: Date,
  months: number,
): T[] {
  const start = lookBackStart(now, months).getTime();
  return steps.filter((step) => {
    const at = Date.parse(step.issuedAt);
    return at >= start && at <= now.getTime();
  });
}
