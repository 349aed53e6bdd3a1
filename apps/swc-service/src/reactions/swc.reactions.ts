import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  agencyEventsTopic,
  isEventOfType,
  type EventEnvelope,
  type EventMetadata,
  type InboxAgency,
} from '@gridline/contracts';
import type { Clock } from '@gridline/eventsourcing';
import type { EventConsumer } from '@gridline/messaging';
import { CLOCK, ReactionConsumers } from '@gridline/platform';
import { ExecuteCaseCommand } from '../cases/case-command.handler.js';
import type { CaseCommand, HandoffKind } from '../cases/case.decider.js';
import {
  AUTO_OPEN_POLICY,
  SEVERITY_OF_LEVEL,
  shouldOpenCase,
  type AutoOpenPolicy,
} from './auto-open.policy.js';

const SWC_SERVICE = 'swc-service';

/** Inbox verbs of the handling agencies, as handoffs recorded on the case. */
const HANDOFF_OF: Record<string, HandoffKind> = {
  accepted: 'accepted',
  declined: 'declined',
  returned: 'returned',
  'progress-reported': 'progress',
  completed: 'completed',
};

/**
 * SWC's process managers, one consumer on the street and DRC topics:
 * - a street report the policy deems serious enough opens a case;
 * - a DRC risk warning opens a prevention case at the warning's level;
 * - an agency's inbox event (accepted, declined, returned, progress, completed)
 *   is recorded on the case as a handoff;
 * - a decision revoked on appeal reopens a closed case.
 * Each reaction names the trigger as causation and derives its event ids from
 * it, and the case decider ignores a trigger it has seen: redelivery and replay
 * add nothing.
 */
@Injectable()
export class SwcReactions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTO_OPEN_POLICY) private readonly policy: AutoOpenPolicy,
    @Inject(ReactionConsumers) consumers: ReactionConsumers,
  ) {
    this.consumer = consumers.create('reactions-consumer', {
      groupId: 'swc-service.reactions',
      topics: [agencyEventsTopic('street'), agencyEventsTopic('drc')],
      handler: (event) => this.react(event),
    });
  }

  /** Which case command, if any, an agency event calls for. */
  commandFor(event: EventEnvelope): CaseCommand | undefined {
    const at = this.clock.now();
    if (isEventOfType(event, 'street.issue.reported.v1')) {
      const d = event.data;
      if (!shouldOpenCase(this.policy, d.severity, d.category)) return undefined;
      return {
        type: 'OpenCase',
        caseId: d.caseId,
        origin: 'street-report',
        originEventId: event.id,
        category: d.category,
        location: {
          street: d.location.street,
          community: d.location.community,
          grid: d.location.grid,
        },
        severity: d.severity,
        by: SWC_SERVICE,
        at,
      };
    }
    if (isEventOfType(event, 'drc.warning.issued.v1')) {
      const d = event.data;
      return {
        type: 'OpenCase',
        caseId: d.caseId,
        origin: 'drc-warning',
        originEventId: event.id,
        category: d.kind,
        location: d.area,
        severity: SEVERITY_OF_LEVEL[d.level],
        riskLevel: d.level,
        by: SWC_SERVICE,
        at,
      };
    }
    if (isEventOfType(event, 'street.decision.appeal-decided.v1')) {
      if (event.data.outcome !== 'revoked') return undefined;
      return {
        type: 'ReopenCase',
        reason: `decision ${event.data.decisionId} revoked on appeal: ${event.data.reasons}`,
        causeEventId: event.id,
        by: SWC_SERVICE,
        at,
      };
    }
    const inbox = /^(street|drc)\.assignment\.([a-z-]+)\.v1$/.exec(event.type);
    const kind = inbox?.[2] ? HANDOFF_OF[inbox[2]] : undefined;
    if (inbox && kind) {
      const d = event.data as {
        assignmentId: string;
        by: string;
        reason?: string;
        note?: string;
        outcome?: string;
      };
      const text = d.reason ?? d.note ?? d.outcome;
      return {
        type: 'RecordHandoff',
        kind,
        assignmentId: d.assignmentId,
        agency: inbox[1] as InboxAgency,
        ...(text ? { text } : {}),
        sourceEventId: event.id,
        by: d.by,
        at,
      };
    }
    return undefined;
  }

  async react(event: EventEnvelope): Promise<void> {
    const command = this.commandFor(event);
    if (!command) return;
    const caseId = event.metadata.caseId;
    const metadata: EventMetadata = {
      caseId,
      correlationId: event.metadata.correlationId,
      causationId: event.id,
      actor: { id: SWC_SERVICE, agency: 'swc', kind: 'service' },
      ...(event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : {}),
    };
    await this.commands.execute(new ExecuteCaseCommand(caseId, command, metadata, event.id));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
