import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import { ApiCommand, ApiUuidParam } from '../shared/openapi.js';
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
@ApiBearerAuth()
@Controller('api/subjects')
export class SubjectsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  /**
   * Registers the person or business an enforcement step is about. Name, ID or
   * licence number and contact are sealed; later commands use the returned subjectId.
   */
  @Post()
  @HttpCode(201)
  @ApiCommand('subject registered', registerSubjectBodySchema, 'the pseudonymous subjectId')
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  register(
    @Body(new SchemaValidationPipe(registerSubjectBodySchema)) body: RegisterSubjectBody,
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
  @Post(':subjectId/erasure')
  @HttpCode(201)
  @ApiUuidParam('subjectId', 'the subject')
  @ApiCommand('subject erased', eraseSubjectBodySchema)
  @RequireOwnAgency()
  @RequireRoles('admin')
  erase(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Body(new SchemaValidationPipe(eraseSubjectBodySchema)) body: EraseSubjectBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<SubjectErasedResult> {
    return this.commands.execute(new EraseSubjectCommand(subjectId, body, principal, traceparent));
  }
}
