import type pg from 'pg';
import { PostgresCaseIndex } from './postgres-case-index.js';
import { PostgresPublicityIndex } from './postgres-publicity-index.js';
import { PostgresStatistics } from './postgres-statistics.js';
import { PostgresWorkIndex } from './postgres-work-index.js';

/** One set's index tables. */
export interface SetIndexes {
  readonly cases: PostgresCaseIndex;
  readonly work: PostgresWorkIndex;
  readonly stats: PostgresStatistics;
  readonly publicity: PostgresPublicityIndex;
}

export type SetTable = 'cases' | 'work' | 'stats' | 'publicity';

/**
 * The PostgreSQL tables that answer a read-model set's lists (ADR 0007), for the
 * sets of one MongoDB database, by suffix: the case index (the board), the
 * work index ("my work"), the publicity index (the public feed) and the
 * statistics, which these tables hold instead of the collections.
 */
export class ReadModelIndexes {
  constructor(
    readonly pool: pg.Pool,
    readonly database: string,
  ) {}

  of(suffix: string): SetIndexes {
    return {
      cases: this.cases(suffix),
      work: this.work(suffix),
      stats: this.stats(suffix),
      publicity: this.publicity(suffix),
    };
  }

  cases(suffix: string): PostgresCaseIndex {
    return new PostgresCaseIndex(this.pool, this.database, suffix);
  }

  work(suffix: string): PostgresWorkIndex {
    return new PostgresWorkIndex(this.pool, this.database, suffix);
  }

  publicity(suffix: string): PostgresPublicityIndex {
    return new PostgresPublicityIndex(this.pool, this.database, suffix);
  }

  stats(suffix: string): PostgresStatistics {
    return new PostgresStatistics(this.pool, this.database, suffix);
  }

  /**
   * Makes the set's tables that are missing; names those made now. `statistics`:
   * the buckets a new statistics table starts with (see PostgresStatistics.prepare).
   */
  async prepare(
    suffix: string,
    statistics?: Parameters<PostgresStatistics['prepare']>[0],
  ): Promise<SetTable[]> {
    const made: SetTable[] = [];
    if (await this.cases(suffix).prepare()) made.push('cases');
    if (await this.work(suffix).prepare()) made.push('work');
    if (await this.stats(suffix).prepare(statistics)) made.push('stats');
    if (await this.publicity(suffix).prepare()) made.push('publicity');
    return made;
  }

  async drop(suffix: string): Promise<void> {
    await this.cases(suffix).drop();
    await this.work(suffix).drop();
    await this.stats(suffix).drop();
    await this.publicity(suffix).drop();
  }
}
