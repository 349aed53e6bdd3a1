import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { uuidSchema, type EnforcementSubjectKind } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator, PersonalDataVault } from '@gridline/eventsourcing';
import {
  assertCaseKnown,
  CLOCK,
  EVENT_STORE,
  IDS,
  PERSONAL_DATA,
  type Principal,
} from '@gridline/platform';
import { runCommand, type CommandResult } from '../shared/run-command.js';
import { subjectDecider, subjectStreamId } from './subject.decider.js';

/** Body of `POST /api/subjects`: clear text that is sealed before anything is decided. */
export interface RegisterSubjectBody {
  readonly caseId: string;
  readonly kind: EnforcementSubjectKind;
  readonly name: string;
  /** ID card number of a person, business licence number of a business. */
  readonly identifier: string;
  readonly contact?: string;
}

export const registerSubjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'kind', 'name', 'identifier'],
  properties: {
    caseId: uuidSchema,
    kind: { enum: ['person', 'business'] },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    identifier: { type: 'string', minLength: 1, maxLength: 64 },
    contact: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

export class RegisterSubjectCommand {
  constructor(
    readonly body: RegisterSubjectBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type SubjectRegisteredResult = CommandResult & { readonly subjectId: string };

@CommandHandler(RegisterSubjectCommand)
export class RegisterSubjectHandler implements ICommandHandler<
  RegisterSubjectCommand,
  SubjectRegisteredResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(PERSONAL_DATA) private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    body,
    principal,
    traceparent,
  }: RegisterSubjectCommand): Promise<SubjectRegisteredResult> {
    // Before anything is sealed: a case street reported or was assigned.
    await assertCaseKnown(this.store, 'street', body.caseId);
    // The pseudonymous id is also the data subject: erasing it shreds name, number and contact.
    const subjectId = this.ids.newId();
    const seal = (text: string) => this.vault.seal(subjectId, text);
    const [name, identifier, contact] = await Promise.all([
      seal(body.name),
      seal(body.identifier),
      body.contact ? seal(body.contact) : undefined,
    ]);
    const now = this.clock.now();
    const result = await runCommand(
      this.store,
      this.ids,
      subjectDecider,
      subjectStreamId(subjectId),
      {
        type: 'RegisterSubject',
        subjectId,
        caseId: body.caseId,
        kind: body.kind,
        name,
        identifier,
        ...(contact ? { contact } : {}),
        registeredBy: principal.id,
        registeredAt: now,
      },
      { principal, caseId: body.caseId, now, ...(traceparent ? { traceparent } : {}) },
    );
    return { subjectId, ...result };
  }
}
