// The JSON Schema of CaseHistoryView (case-history.ts), written beside it: the
// gateway's time-travel answers carry it in their OpenAPI description, and the
// console's client is generated from that (docs/console.md, "The API client").
import { isoTimeSchema as time, uuidSchema as uuid } from '@gridline/contracts';

const agency = { type: 'string', enum: ['swc', 'drc', 'street'] } as const;
const handlingAgency = { type: 'string', enum: ['drc', 'street'] } as const;
const text = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const object = <P extends Record<string, object>, R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
) => ({ type: 'object', required, properties }) as const;

export const caseHistoryViewSchema = object(
  {
    caseId: uuid,
    status: {
      type: 'string',
      enum: ['reported', 'open', 'triaged', 'verified', 'closed', 'reopened'],
    },
    origin: { type: 'string', enum: ['street-report', 'drc-warning', 'manual'] },
    category: text,
    severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
    location: object({ street: text, community: text, grid: text }, ['street']),
    riskLevel: { type: 'string', enum: ['blue', 'yellow', 'orange', 'red'] },
    mode: { type: 'string', enum: ['routine', 'emergency'] },
    leadAgency: handlingAgency,
    coHandlers: { type: 'array', items: handlingAgency },
    agencies: { type: 'array', items: agency },
    assignments: {
      type: 'array',
      items: object(
        {
          assignmentId: uuid,
          agency: handlingAgency,
          role: { type: 'string', enum: ['lead', 'co-handler'] },
          status: {
            type: 'string',
            enum: ['assigned', 'accepted', 'declined', 'returned', 'completed'],
          },
          assignedAt: time,
          dueAt: time,
          escalated: { type: 'boolean' },
          lastNote: text,
        },
        ['assignmentId', 'agency', 'role', 'status', 'assignedAt', 'dueAt', 'escalated'],
      ),
    },
    verified: { type: 'boolean' },
    satisfaction: integer,
    closedAt: time,
    reopenCount: integer,
    issues: {
      type: 'array',
      items: object(
        {
          issueId: uuid,
          status: { type: 'string', enum: ['reported', 'acknowledged', 'resolved'] },
          category: text,
          reportedAt: time,
          outcome: text,
        },
        ['issueId', 'status', 'category', 'reportedAt'],
      ),
    },
    enforcementSteps: {
      type: 'array',
      items: object(
        {
          stepId: uuid,
          kind: { type: 'string', enum: ['reminder', 'warning'] },
          subjectId: text,
          category: text,
          issuedAt: time,
          evidenceCount: integer,
        },
        ['stepId', 'kind', 'subjectId', 'category', 'issuedAt', 'evidenceCount'],
      ),
    },
    decisions: {
      type: 'array',
      items: object(
        {
          decisionId: uuid,
          subjectId: text,
          category: text,
          status: {
            type: 'string',
            enum: ['proposed', 'review-requested', 'approved', 'returned', 'issued', 'revoked'],
          },
          draft: integer,
          amountYuan: { type: 'number' },
          major: { type: 'boolean' },
          published: { type: 'boolean' },
          appeal: { type: 'string', enum: ['filed', 'upheld', 'changed', 'revoked'] },
        },
        [
          'decisionId',
          'subjectId',
          'category',
          'status',
          'draft',
          'amountYuan',
          'major',
          'published',
        ],
      ),
    },
    projects: {
      type: 'array',
      items: object(
        {
          projectId: uuid,
          title: text,
          status: {
            type: 'string',
            enum: ['proposed', 'approved', 'rejected', 'funded', 'completed'],
          },
          budget: { type: 'number' },
          approvedBudget: { type: 'number' },
          fundedTotal: { type: 'number' },
        },
        ['projectId', 'title', 'status', 'budget', 'fundedTotal'],
      ),
    },
    riskWarnings: {
      type: 'array',
      items: object(
        {
          warningId: uuid,
          level: { type: 'string', enum: ['blue', 'yellow', 'orange', 'red'] },
          status: { type: 'string', enum: ['active', 'lifted'] },
        },
        ['warningId', 'level', 'status'],
      ),
    },
    eventCount: integer,
    firstEventAt: time,
    lastEventAt: time,
    lastEventId: uuid,
  },
  [
    'caseId',
    'status',
    'mode',
    'coHandlers',
    'agencies',
    'assignments',
    'verified',
    'reopenCount',
    'issues',
    'enforcementSteps',
    'decisions',
    'projects',
    'riskWarnings',
    'eventCount',
    'firstEventAt',
    'lastEventAt',
    'lastEventId',
  ],
);
