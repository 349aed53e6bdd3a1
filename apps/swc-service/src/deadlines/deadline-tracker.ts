import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { SwcEvent } from '@gridline/contracts';
import { subscribeToAll, type Clock, type RecordedEvent } from '@gridline/eventsourcing';
import {
  BACKGROUND_CLOCK,
  HealthRegistry,
  JsonLogger,
  POSTGRES,
  runAt,
  SIMULATED_CLOCK_ENABLED,
} from '@gridline/platform';
import type { PostgresStoreHandle } from '@gridline/store-postgres';
import { ExecuteCaseCommand } from '../cases/case-command.handler.js';

export const DEADLINE_SCAN_MS = Symbol('DEADLINE_SCAN_MS');
const CHECKPOINT = 'swc-deadlines';

/**
 * Deadlines that survive restarts. A subscription to SWC's own case events keeps
 * a table of open assignments and their due times (in the store's database,
 * with its checkpoint; the table is made with the store's schema, schema.ts in
 * libs/store-postgres); a scanner escalates what is overdue. After a restart
 * the subscription catches up from the checkpoint and the scanner finds every
 * deadline that passed meanwhile. The case decider ignores a second escalation
 * of the same due time, so several replicas may scan at once.
 *
 * With simulated time (GRIDLINE_SIMULATED_CLOCK, demos and history imports) the
 * scanner's time is the latest time of the case events it has tracked, never
 * later than the real clock: a command recorded as of a simulated time escalates
 * what was due by then and nothing later, and the escalation is recorded as of
 * it. Nothing a request carries (a read, a refused command) moves it.
 */
@Injectable()
export class DeadlineTracker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly controller = new AbortController();
  private following: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  /** The latest event time tracked, when time is simulated. */
  private trackedUpTo: Date | undefined;

  constructor(
    @Inject(POSTGRES) private readonly postgres: PostgresStoreHandle,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(BACKGROUND_CLOCK) private readonly clock: Clock,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(DEADLINE_SCAN_MS) private readonly scanMs: number,
    @Inject(HealthRegistry) health: HealthRegistry,
    @Inject(SIMULATED_CLOCK_ENABLED) private readonly simulation: boolean,
  ) {
    health.register('deadlines', () =>
      this.lastError ? Promise.reject(new Error(this.lastError)) : Promise.resolve(),
    );
  }

  onApplicationBootstrap(): void {
    this.following = this.follow();
    this.timer = setInterval(() => void this.scan(), this.scanMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    await this.following;
  }

  private async follow(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const after = await this.postgres.checkpoints.load(CHECKPOINT);
        await subscribeToAll(this.postgres.store, {
          ...(after ? { after } : {}),
          streamPrefixes: ['swc-case-'],
          signal,
          onBatch: async (batch) => {
            for (const event of batch) await this.apply(event);
            const last = batch.at(-1);
            if (last) await this.postgres.checkpoints.store(CHECKPOINT, last.position);
            this.lastError = undefined;
          },
        });
      } catch (error) {
        this.lastError = (error as Error).message;
        this.logger.error('deadline tracking failed; resuming from checkpoint', {
          error: this.lastError,
        });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  /** Idempotent: re-applying a batch after a crash leaves the same rows. */
  private async apply(recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as SwcEvent;
    const db = this.postgres.pool;
    if (this.simulation) {
      const at = new Date(recorded.occurredAt);
      if (!this.trackedUpTo || at > this.trackedUpTo) this.trackedUpTo = at;
    }
    switch (event.type) {
      case 'swc.case.assignment-made.v1':
        await db.query(
          `INSERT INTO swc_assignment_deadlines (assignment_id, case_id, agency, due_at, open)
           VALUES ($1, $2, $3, $4, true)
           ON CONFLICT (assignment_id) DO UPDATE SET due_at = EXCLUDED.due_at, open = true`,
          [event.data.assignmentId, event.data.caseId, event.data.agency, event.data.dueAt],
        );
        return;
      case 'swc.case.assignment-rescheduled.v1':
        await db.query(
          'UPDATE swc_assignment_deadlines SET due_at = $2, escalated_for = NULL WHERE assignment_id = $1',
          [event.data.assignmentId, event.data.dueAt],
        );
        return;
      case 'swc.case.assignment-escalated.v1':
        await db.query(
          'UPDATE swc_assignment_deadlines SET escalated_for = $2 WHERE assignment_id = $1',
          [event.data.assignmentId, event.data.dueAt],
        );
        return;
      case 'swc.case.assignment-declined.v1':
      case 'swc.case.assignment-returned.v1':
      case 'swc.case.assignment-completed.v1':
        await db.query(
          'UPDATE swc_assignment_deadlines SET open = false WHERE assignment_id = $1',
          [event.data.assignmentId],
        );
        return;
      case 'swc.case.closed.v1':
        await db.query('UPDATE swc_assignment_deadlines SET open = false WHERE case_id = $1', [
          event.data.caseId,
        ]);
        return;
      default:
        return;
    }
  }

  /** The scanner's time: the real clock, or in a simulation how far its events have gone. */
  private scanTime(): Date {
    const real = this.clock.now();
    return this.simulation && this.trackedUpTo && this.trackedUpTo < real ? this.trackedUpTo : real;
  }

  /** Escalates every open assignment whose due time passed and was not escalated yet. */
  async scan(): Promise<number> {
    const now = this.scanTime();
    const simulated = now.getTime() !== this.clock.now().getTime();
    return simulated ? runAt(now, () => this.escalateDue(now)) : this.escalateDue(now);
  }

  private async escalateDue(now: Date): Promise<number> {
    try {
      const { rows } = await this.postgres.pool.query<{
        assignment_id: string;
        case_id: string;
        due_at: Date;
      }>(
        `SELECT assignment_id, case_id, due_at FROM swc_assignment_deadlines
          WHERE open AND due_at <= $1
            AND (escalated_for IS NULL OR escalated_for <> due_at)
          ORDER BY due_at LIMIT 100`,
        [now],
      );
      for (const row of rows) {
        const trigger = `escalate:${row.assignment_id}:${row.due_at.toISOString()}`;
        await this.commands.execute(
          new ExecuteCaseCommand(
            row.case_id,
            { type: 'EscalateOverdue', assignmentId: row.assignment_id, at: now },
            {
              caseId: row.case_id,
              correlationId: row.case_id,
              causationId: row.assignment_id,
              actor: { id: 'swc-service', agency: 'swc', kind: 'service' },
            },
            trigger,
          ),
        );
      }
      return rows.length;
    } catch (error) {
      this.logger.error('deadline scan failed', { error: (error as Error).message });
      return 0;
    }
  }
}
