import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import { ApiCommand } from '../shared/openapi.js';
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
}
