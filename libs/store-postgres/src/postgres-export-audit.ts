import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface ExportAuditEntry {
  readonly exportId: string;
  readonly principalId: string;
  readonly agency: string | null;
  readonly roles: readonly string[];
  readonly selection: Record<string, unknown>;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: 'started' | 'completed' | 'failed';
  readonly eventCount: number;
}

/**
 * Who exported what, when, and how many events (table `gridline_export_audit`,
 * created with the store schema). An export is recorded when it starts, so one
 * that dies half-way still leaves a trace.
 */
export class PostgresExportAudit {
  constructor(private readonly pool: pg.Pool) {}

  async start(
    who: {
      readonly principalId: string;
      readonly agency?: string;
      readonly roles?: readonly string[];
    },
    selection: Record<string, unknown>,
  ): Promise<string> {
    const exportId = randomUUID();
    await this.pool.query(
      `INSERT INTO gridline_export_audit (export_id, principal_id, agency, roles, selection)
       VALUES ($1, $2, $3, $4, $5)`,
      [exportId, who.principalId, who.agency ?? null, who.roles ?? [], JSON.stringify(selection)],
    );
    return exportId;
  }

  async finish(
    exportId: string,
    outcome: 'completed' | 'failed',
    eventCount: number,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE gridline_export_audit
          SET outcome = $2, event_count = $3, finished_at = clock_timestamp()
        WHERE export_id = $1`,
      [exportId, outcome, eventCount],
    );
  }

  async recent(limit = 100): Promise<ExportAuditEntry[]> {
    const result = await this.pool.query<{
      export_id: string;
      principal_id: string;
      agency: string | null;
      roles: string[];
      selection: Record<string, unknown>;
      started_at: Date;
      finished_at: Date | null;
      outcome: ExportAuditEntry['outcome'];
      event_count: string;
    }>(`SELECT * FROM gridline_export_audit ORDER BY started_at DESC LIMIT $1`, [limit]);
    return result.rows.map((r) => ({
      exportId: r.export_id,
      principalId: r.principal_id,
      agency: r.agency,
      roles: r.roles,
      selection: r.selection,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      outcome: r.outcome,
      eventCount: Number(r.event_count),
    }));
  }
}

/** How many events a selection holds (for progress bars); same filters as an export. */
export async function countEvents(
  pool: pg.Pool,
  selection: { caseId?: string; streamPrefix?: string; from?: Date; to?: Date },
): Promise<number> {
  const result = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM gridline_events
      WHERE ($1::text IS NULL OR (metadata->>'caseId') = $1)
        AND ($2::text IS NULL OR starts_with(stream_id, $2))
        AND ($3::timestamptz IS NULL OR occurred_at >= $3)
        AND ($4::timestamptz IS NULL OR occurred_at <= $4)`,
    [
      selection.caseId ?? null,
      selection.streamPrefix ?? null,
      selection.from?.toISOString() ?? null,
      selection.to?.toISOString() ?? null,
    ],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Whether the store holds no event at all (an import target must, unless forced). */
export async function isEventStoreEmpty(pool: pg.Pool): Promise<boolean> {
  const result = await pool.query('SELECT 1 FROM gridline_events LIMIT 1');
  return result.rowCount === 0;
}
