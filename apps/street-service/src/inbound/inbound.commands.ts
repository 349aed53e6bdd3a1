import type { Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { INBOUND_COMMAND_CONTRACTS } from '@gridline/contracts';
import { INBOUND_COMMANDS, type InboundCommands, type Principal } from '@gridline/platform';
import {
  ReportIssueCommand,
  reportIssueBodySchema,
  type ReportIssueBody,
} from '../issues/report-issue.command.js';

/**
 * CloudEvents department systems may send the street offices on
 * `gridline.inbound.street.v1` (docs/inbound.md): a complaint taken by the
 * citizens' hotline becomes a reported issue, as a grid worker's report would.
 */
export const streetInboundCommands: Provider = {
  provide: INBOUND_COMMANDS,
  inject: [CommandBus],
  useFactory: (commands: CommandBus): InboundCommands =>
    new Map([
      [
        INBOUND_COMMAND_CONTRACTS.reportIssue.type,
        {
          description: 'an issue reported from outside (default source: resident-complaint)',
          schema: reportIssueBodySchema,
          execute: (data: ReportIssueBody, principal: Principal, event) =>
            commands.execute(
              new ReportIssueCommand(
                { ...data, source: data.source ?? 'resident-complaint' },
                principal,
                event.traceparent,
              ),
            ),
        },
      ],
    ]),
};
