import { BadRequestException, Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { fold, type EventStore, type LogPosition } from '@gridline/eventsourcing';
import { EVENT_STORE } from '@gridline/platform';
import {
  decisionDecider,
  type Decision,
  type DecisionState,
  type DecisionStatus,
} from './decision.decider.js';

export const QUEUE_STATUSES: readonly DecisionStatus[] = [
  'drafted',
  'review-requested',
  'returned',
  'approved',
  'issued',
  'revoked',
];

export class DecisionQueueQuery {
  constructor(readonly status: DecisionStatus) {}
}

export interface DecisionQueueView {
  readonly status: DecisionStatus;
  /** Oldest request first; each with its drafters (who may not review it). */
  readonly items: readonly Decision[];
}

/** `?status=` (default `review-requested`); anything else is a 400 naming it. */
export function parseQueueQuery(raw: Record<string, unknown>): DecisionStatus {
  const problems: { parameter: string; message: string }[] = [];
  let status: DecisionStatus = 'review-requested';
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'status' && typeof value === 'string' && QUEUE_STATUSES.includes(value as never))
      status = value as DecisionStatus;
    else
      problems.push({
        parameter: name,
        message:
          name === 'status'
            ? `must be one of ${QUEUE_STATUSES.join(', ')}`
            : 'is not a known parameter',
      });
  }
  if (problems.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'query parameters are invalid',
      problems,
    });
  return status;
}

const BATCH = 1000;

/**
 * The street office's decisions in one status — the legal reviewers' queue is
 * `review-requested`. A deliberately plain read: every decision stream folded
 * from the store (decisions are few next to other events); a "my work" read
 * model is meant to replace it.
 */
@QueryHandler(DecisionQueueQuery)
export class DecisionQueueHandler implements IQueryHandler<DecisionQueueQuery, DecisionQueueView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ status }: DecisionQueueQuery): Promise<DecisionQueueView> {
    const states = new Map<string, DecisionState>();
    let after: LogPosition | undefined;
    for (;;) {
      const events = await this.store.readAll({
        maxCount: BATCH,
        streamPrefixes: ['street-decision-'],
        ...(after ? { after } : {}),
      });
      for (const event of events) {
        const state = states.get(event.streamId) ?? decisionDecider.initialState();
        states.set(
          event.streamId,
          fold(decisionDecider, [{ type: event.type, data: event.data } as never], state),
        );
      }
      const last = events.at(-1);
      if (!last || events.length < BATCH) break;
      after = last.position;
    }
    const items = [...states.values()].filter(
      (s): s is Decision => s.status !== 'none' && s.status === status,
    );
    return { status, items };
  }
}
