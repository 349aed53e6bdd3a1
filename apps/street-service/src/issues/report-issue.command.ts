import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ReportIssueBody } from '@gridline/contracts';
import {
  handleCommand,
  type Clock,
  type EventStore,
  type IdGenerator,
  type PersonalDataVault,
} from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, PERSONAL_DATA, type Principal } from '@gridline/platform';
import type { EvidenceClaims } from '@gridline/evidence-store';
import { EVIDENCE_FILES } from '../evidence/evidence.providers.js';
import { recordingFiles } from '../shared/evidence.js';
import { issueDecider, issueStreamId } from './issue.decider.js';

// The body is a published contract (also the data of the inbound CloudEvent).
export { reportIssueBodySchema, type ReportIssueBody } from '@gridline/contracts';

export class ReportIssueCommand {
  constructor(
    readonly body: ReportIssueBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export interface IssueReportedResult {
  readonly issueId: string;
  readonly caseId: string;
  readonly eventId: string;
  readonly revision: number;
}

@CommandHandler(ReportIssueCommand)
export class ReportIssueHandler implements ICommandHandler<
  ReportIssueCommand,
  IssueReportedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(PERSONAL_DATA) private readonly vault: PersonalDataVault,
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceClaims,
  ) {}

  async execute({
    body,
    principal,
    traceparent,
  }: ReportIssueCommand): Promise<IssueReportedResult> {
    const issueId = this.ids.newId();
    // A report starts a governance matter: its case id correlates every agency's events.
    const caseId = this.ids.newId();
    const eventIds = [this.ids.newId()];
    // The reporter is a data subject of their own: erasing them shreds only this
    // contact and these photos (the photos may show them, or whom they reported).
    const dataSubjectId = body.reporterContact || body.photos ? this.ids.newId() : undefined;
    const reporterContact =
      body.reporterContact && dataSubjectId
        ? { dataSubjectId, contact: await this.vault.seal(dataSubjectId, body.reporterContact) }
        : undefined;
    const photoRefs = (body.photos ?? []).map((p) => ({ ...p, kind: 'photo' as const }));
    const claim = await this.files.claim(photoRefs, {
      agency: 'street',
      dataSubjectId: dataSubjectId ?? issueId,
      claimant: `issue:${issueId}`,
    });
    const photos =
      dataSubjectId && photoRefs.length > 0
        ? {
            dataSubjectId,
            files: photoRefs.map((p) => ({
              evidenceId: this.ids.newId(),
              sha256: p.sha256,
              file: claim.files.get(p.uploadId)!,
            })),
          }
        : undefined;
    const streamId = issueStreamId(issueId);
    const result = await recordingFiles(claim, streamId, () =>
      handleCommand(this.store, issueDecider, {
        streamId,
        command: {
          type: 'ReportIssue',
          issueId,
          caseId,
          source: body.source ?? 'grid-worker',
          category: body.category,
          location: body.location,
          description: body.description,
          severity: body.severity,
          reportedBy: principal.id,
          reportedAt: this.clock.now(),
          ...(reporterContact ? { reporterContact } : {}),
          ...(photos ? { photos } : {}),
        },
        metadata: {
          caseId,
          correlationId: caseId,
          causationId: issueId,
          actor: { id: principal.id, agency: principal.agency, kind: 'user' },
          ...(traceparent ? { traceparent } : {}),
        },
        now: this.clock.now(),
        eventId: (index) => eventIds[index] ?? this.ids.newId(),
      }).then((r) => ({ ...r, revision: r.events.at(-1)?.revision ?? 0 })),
    );
    const event = result.events[0];
    if (!event) throw new Error('reporting an issue recorded no event');
    return { issueId, caseId, eventId: event.id, revision: event.revision };
  }
}
