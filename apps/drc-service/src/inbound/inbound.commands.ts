import type { Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { INBOUND_COMMAND_CONTRACTS } from '@gridline/contracts';
import { INBOUND_COMMANDS, type InboundCommands, type Principal } from '@gridline/platform';
import {
  IssueWarningCommand,
  issueWarningBodySchema,
  type IssueWarningBody,
} from '../warnings/issue-warning.command.js';

/**
 * CloudEvents department systems may send the DRC on `gridline.inbound.drc.v1`
 * (docs/inbound.md): an economic-monitoring system's risk signal becomes a risk
 * warning, under which the SWC opens a prevention case.
 */
export const drcInboundCommands: Provider = {
  provide: INBOUND_COMMANDS,
  inject: [CommandBus],
  useFactory: (commands: CommandBus): InboundCommands =>
    new Map([
      [
        INBOUND_COMMAND_CONTRACTS.issueWarning.type,
        {
          description: 'a risk warning raised by a monitoring system',
          schema: issueWarningBodySchema,
          execute: (data: IssueWarningBody, principal: Principal, event) =>
            commands.execute(
              new IssueWarningCommand(data, {
                principal,
                ...(event.traceparent ? { traceparent: event.traceparent } : {}),
              }),
            ),
        },
      ],
    ]),
};
