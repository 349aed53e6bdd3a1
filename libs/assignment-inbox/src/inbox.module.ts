import { Module, type DynamicModule } from '@nestjs/common';
import type { InboxAgency } from '@gridline/contracts';
import { InboxController } from './inbox.controller.js';
import { INBOX_AGENCY, InboxCommandHandler } from './inbox.handler.js';
import { InboxReaction } from './inbox.reaction.js';

/** The assignment inbox of a handling agency: import it in that agency's service module. */
@Module({})
export class AssignmentInboxModule {
  static forAgency(agency: InboxAgency): DynamicModule {
    return {
      module: AssignmentInboxModule,
      controllers: [InboxController],
      providers: [{ provide: INBOX_AGENCY, useValue: agency }, InboxCommandHandler, InboxReaction],
    };
  }
}
