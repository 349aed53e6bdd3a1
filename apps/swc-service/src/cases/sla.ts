import type { CaseMode, RiskLevel } from '@gridline/contracts';

/** Hours an agency has for an assignment, by the case's mode and risk level. */
export type SlaTable = Readonly<Record<CaseMode, Readonly<Record<RiskLevel, number>>>>;

/** Routine: a week down to a day; emergency: a day down to two hours. */
export const DEFAULT_SLA: SlaTable = {
  routine: { blue: 168, yellow: 72, orange: 48, red: 24 },
  emergency: { blue: 24, yellow: 12, orange: 6, red: 2 },
};

export function dueAt(assignedAt: string, sla: SlaTable, mode: CaseMode, risk: RiskLevel): string {
  return new Date(Date.parse(assignedAt) + sla[mode][risk] * 3_600_000).toISOString();
}

/** Reads an SLA table from JSON (env `SWC_SLA_HOURS`), checking every cell. */
export function parseSlaTable(json: string): SlaTable {
  const table = JSON.parse(json) as Record<string, Record<string, unknown>>;
  for (const mode of ['routine', 'emergency'] as const)
    for (const risk of ['blue', 'yellow', 'orange', 'red'] as const) {
      const hours = table[mode]?.[risk];
      if (typeof hours !== 'number' || !(hours > 0))
        throw new Error(`SLA hours for ${mode}/${risk} must be a positive number`);
    }
  return table as unknown as SlaTable;
}

/** Injection token of the SLA table the service runs with. */
export const SLA_TABLE = Symbol('SLA_TABLE');
