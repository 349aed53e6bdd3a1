import { isoTimeSchema, uuidSchema } from './common.schema.js';

/**
 * Each handling agency keeps its own record of the work SWC assigns to it: its
 * inbox. The events are the same for every agency, under the agency's prefix
 * (`street.assignment.accepted.v1`, `drc.assignment.accepted.v1`), so each agency
 * writes only its own streams and SWC learns of the handoff over Kafka.
 */
export type InboxAgency = 'street' | 'drc';
export const INBOX_AGENCIES: readonly InboxAgency[] = ['street', 'drc'];

interface InboxEvent<A extends InboxAgency, V extends string, D> {
  readonly type: `${A}.assignment.${V}.v1`;
  readonly data: { readonly assignmentId: string; readonly caseId: string } & D;
}

export type AssignmentEvent<A extends InboxAgency = InboxAgency> =
  | InboxEvent<
      A,
      'received',
      {
        readonly role: 'lead' | 'co-handler';
        readonly dueAt: string;
        readonly instructions?: string;
        /** The SWC event that made the assignment. */
        readonly sourceEventId: string;
        readonly receivedAt: string;
      }
    >
  | InboxEvent<A, 'accepted', { readonly by: string; readonly at: string }>
  | InboxEvent<A, 'declined', { readonly by: string; readonly reason: string; readonly at: string }>
  | InboxEvent<A, 'returned', { readonly by: string; readonly reason: string; readonly at: string }>
  | InboxEvent<
      A,
      'progress-reported',
      { readonly by: string; readonly note: string; readonly at: string }
    >
  | InboxEvent<
      A,
      'completed',
      { readonly by: string; readonly outcome: string; readonly at: string }
    >;

export type InboxVerb = AssignmentEvent['type'] extends `${string}.assignment.${infer V}.v1`
  ? V
  : never;

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const principal = { type: 'string', minLength: 1, maxLength: 200 } as const;

const inboxSchemas: Record<
  InboxVerb,
  { title: string; description: string; properties: object; optional?: string[] }
> = {
  received: {
    title: 'AssignmentReceived',
    description: 'An SWC assignment arrived in the agency inbox.',
    properties: {
      role: { enum: ['lead', 'co-handler'] },
      dueAt: isoTimeSchema,
      instructions: text,
      sourceEventId: uuidSchema,
      receivedAt: isoTimeSchema,
    },
    optional: ['instructions'],
  },
  accepted: {
    title: 'AssignmentAccepted',
    description: 'The agency accepted an assignment.',
    properties: { by: principal, at: isoTimeSchema },
  },
  declined: {
    title: 'AssignmentDeclined',
    description: 'The agency declined an assignment, with its reason.',
    properties: { by: principal, reason: text, at: isoTimeSchema },
  },
  returned: {
    title: 'AssignmentReturned',
    description: 'The agency handed an accepted assignment back to SWC, with its reason.',
    properties: { by: principal, reason: text, at: isoTimeSchema },
  },
  'progress-reported': {
    title: 'AssignmentProgressReported',
    description: 'The agency reported progress on an accepted assignment.',
    properties: { by: principal, note: text, at: isoTimeSchema },
  },
  completed: {
    title: 'AssignmentCompleted',
    description: 'The agency completed an assignment, with the outcome.',
    properties: { by: principal, outcome: text, at: isoTimeSchema },
  },
};

/** The JSON Schemas of one agency's inbox events. */
export function assignmentEventSchemas<A extends InboxAgency>(
  agency: A,
): Record<AssignmentEvent<A>['type'], object> {
  const entries = Object.entries(inboxSchemas).map(([verb, s]) => {
    const type = `${agency}.assignment.${verb}.v1`;
    return [
      type,
      {
        $id: `https://gridline.example/schemas/${type}.json`,
        title: s.title,
        description: s.description,
        type: 'object',
        additionalProperties: false,
        required: [
          'assignmentId',
          'caseId',
          ...Object.keys(s.properties).filter((p) => !(s.optional ?? []).includes(p)),
        ],
        properties: { assignmentId: uuidSchema, caseId: uuidSchema, ...s.properties },
      },
    ];
  });
  return Object.fromEntries(entries) as Record<AssignmentEvent<A>['type'], object>;
}
