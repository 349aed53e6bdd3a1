import type { CheckpointStore, LogPosition } from '@gridline/eventsourcing';
import type pg from 'pg';

export class PostgresCheckpointStore implements CheckpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(name: string): Promise<LogPosition | undefined> {
    const result = await this.pool.query<{ commit_position: string; prepare_position: string }>(
      'SELECT commit_position, prepare_position FROM gridline_checkpoints WHERE name = $1',
      [name],
    );
    const row = result.rows[0];
    return row
      ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }
      : undefined;
  }

  async store(name: string, position: LogPosition): Promise<void> {
    await this.pool.query(
      `INSERT INTO gridline_checkpoints (name, commit_position, prepare_position)
       VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE
         SET commit_position = EXCLUDED.commit_position,
             prepare_position = EXCLUDED.prepare_position,
             updated_at = clock_timestamp()`,
      [name, position.commit.toString(), position.prepare.toString()],
    );
  }
}
