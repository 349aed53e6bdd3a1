import type { Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CaseArea, RiskLevel, Severity } from '@gridline/contracts';
import type { Clock, IdGenerator } from '@gridline/eventsourcing';
import {
  CLOCK,
  IDS,
  INBOUND_COMMANDS,
  type InboundCommands,
  type Principal,
} from '@gridline/platform';
import { principalCaseCommand } from '../cases/case-command.handler.js';
import { openCaseSchema } from '../cases/case.schemas.js';
import { SLA_TABLE, type SlaTable } from '../cases/sla.js';

interface OpenCaseData {
  readonly category: string;
  readonly location: CaseArea;
  readonly severity: Severity;
  readonly riskLevel?: RiskLevel;
}

/**
 * CloudEvents department systems may send the SWC on `gridline.inbound.swc.v1`
 * (docs/inbound.md): a matter another system found (a district platform, a
 * petition office) opens a coordinated case, as a coordinator would by hand.
 */
export const swcInboundCommands: Provider = {
  provide: INBOUND_COMMANDS,
  inject: [CommandBus, CLOCK, IDS, SLA_TABLE],
  useFactory: (
    commands: CommandBus,
    clock: Clock,
    ids: IdGenerator,
    sla: SlaTable,
  ): InboundCommands =>
    new Map([
      [
        'gridline.swc.open-case.v1',
        {
          description: 'a matter found by another system, opened as a coordinated case',
          schema: openCaseSchema,
          execute: (data: OpenCaseData, principal: Principal, event) => {
            const caseId = ids.newId();
            return commands.execute(
              principalCaseCommand(
                caseId,
                principal,
                { type: 'OpenCase', caseId, origin: 'manual', ...data },
                {
                  now: clock.now(),
                  causationId: ids.newId(),
                  sla,
                  ...(event.traceparent ? { traceparent: event.traceparent } : {}),
                },
              ),
            );
          },
        },
      ],
    ]),
};
