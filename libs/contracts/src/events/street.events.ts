import {
  isoTimeSchema,
  placeSchema,
  severitySchema,
  uuidSchema,
  type Place,
  type Severity,
} from './common.schema.js';

export type IssueSource = 'grid-worker' | 'resident-complaint';

/** A grid worker (or a resident's complaint) brought a matter to the street office. */
export interface IssueReported {
  readonly type: 'street.issue.reported.v1';
  readonly data: {
    readonly issueId: string;
    readonly caseId: string;
    readonly source: IssueSource;
    readonly category: string;
    readonly location: Place;
    readonly description: string;
    readonly severity: Severity;
    readonly reportedBy: string;
    readonly reportedAt: string;
  };
}

export type StreetEvent = IssueReported;

export const streetEventSchemas = {
  'street.issue.reported.v1': {
    $id: 'https://gridline.example/schemas/street.issue.reported.v1.json',
    title: 'IssueReported',
    description: 'A grid worker or a resident complaint reported an issue in a grid.',
    type: 'object',
    additionalProperties: false,
    required: [
      'issueId',
      'caseId',
      'source',
      'category',
      'location',
      'description',
      'severity',
      'reportedBy',
      'reportedAt',
    ],
    properties: {
      issueId: uuidSchema,
      caseId: uuidSchema,
      source: { enum: ['grid-worker', 'resident-complaint'] },
      category: { type: 'string', minLength: 1, maxLength: 64 },
      location: placeSchema,
      description: { type: 'string', minLength: 1, maxLength: 2000 },
      severity: severitySchema,
      reportedBy: { type: 'string', minLength: 1 },
      reportedAt: isoTimeSchema,
    },
  },
} as const satisfies Record<StreetEvent['type'], object>;
