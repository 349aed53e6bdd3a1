import type pg from 'pg';
import { PostgresCaseIndex } from './postgres-case-index.js';
import { PostgresWorkIndex } from './postgres-work-index.js';

/** One set's index tables. */
export interface SetIndexes {
  readonly cases: PostgresCaseIndex;
  readonly work: PostgresWorkIndex;
}

/**
 * The PostgreSQL tables that answer a read-model set's lists (ADR 0007), for the
 * sets of one MongoDB database, by suffix: the case index (the board) and the
 * work index ("my work").
 */
export class ReadModelIndexes {
  constructor(
    readonly pool: pg.Pool,
    readonly database: string,
  ) {}

  of(suffix: string): SetIndexes {
    return { cases: this.cases(suffix), work: this.work(suffix) };
  }

  cases(suffix: string): PostgresCaseIndex {
    return new PostgresCaseIndex(this.pool, this.database, suffix);
  }

  work(suffix: string): PostgresWorkIndex {
    return new PostgresWorkIndex(this.pool, this.database, suffix);
  }

  /** Makes the set's tables that are missing; names those made now. */
  async prepare(suffix: string): Promise<('cases' | 'work')[]> {
    const made: ('cases' | 'work')[] = [];
    if (await this.cases(suffix).prepare()) made.push('cases');
    if (await this.work(suffix).prepare()) made.push('work');
    return made;
  }

  async drop(suffix: string): Promise<void> {
    await this.cases(suffix).drop();
    await this.work(suffix).drop();
  }
}
