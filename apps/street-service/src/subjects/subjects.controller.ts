import { Body, Controller, Headers, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import {
  CommandRoute,
  CurrentPrincipal,
  type Principal,
  commandResultSchema,
} from '@gridline/platform';
import { commandAnswers, uuidParam } from '../shared/openapi.js';
import {
  EraseSubjectCommand,
  eraseSubjectBodySchema,
  type EraseSubjectBody,
  type SubjectErasedResult,
} from './erase-subject.command.js';
import {
  RegisterSubjectCommand,
  registerSubjectBodySchema,
  type RegisterSubjectBody,
  type SubjectRegisteredResult,
} from './register-subject.command.js';

@ApiTags('subjects')
@Controller('api/subjects')
export class SubjectsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  /**
   * Registers the person or business an enforcement step is about. Name, ID or
   * licence number and contact are sealed; later commands use the returned subjectId.
   */
  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'subject registered',
    body: registerSubjectBodySchema,
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the pseudonymous subjectId' },
    response: commandResultSchema({ subjectId: { type: 'string' } }),
  })
  register(
    @Body() body: RegisterSubjectBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<SubjectRegisteredResult> {
    return this.commands.execute(new RegisterSubjectCommand(body, principal, traceparent));
  }

  /**
   * Erases a data subject on request (crypto-shredding): their key is destroyed,
   * everything sealed for them becomes unreadable everywhere (store, Kafka,
   * exports), the history stays valid. Admins of the street offices only.
   */
  @CommandRoute({
    method: 'POST',
    path: ':subjectId/erasure',
    status: 201,
    summary: 'subject erased',
    params: { subjectId: uuidParam('the subject') },
    body: eraseSubjectBodySchema,
    roles: ['admin'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema({
      subjectId: { type: 'string' },
      erased: { type: 'boolean', enum: [true] },
    }),
  })
  erase(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Body() body: EraseSubjectBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<SubjectErasedResult> {
    return this.commands.execute(new EraseSubjectCommand(subjectId, body, principal, traceparent));
  }
}
