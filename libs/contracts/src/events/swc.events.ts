import {
  gridRefSchema,
  isoTimeSchema,
  severitySchema,
  uuidSchema,
  type GridRef,
  type Severity,
} from './common.schema.js';

export type CaseOrigin = 'street-report' | 'drc-warning' | 'manual';

/** The Social Work Committee opened a coordinated case for a governance matter. */
export interface CaseOpened {
  readonly type: 'swc.case.opened.v1';
  readonly data: {
    readonly caseId: string;
    readonly origin: CaseOrigin;
    /** Id of the event that led to the case (the street report), for manual cases absent. */
    readonly originEventId?: string;
    readonly category: string;
    readonly location: GridRef;
    readonly severity: Severity;
    readonly openedAt: string;
  };
}

export type SwcEvent = CaseOpened;

export const swcEventSchemas = {
  'swc.case.opened.v1': {
    $id: 'https://gridline.example/schemas/swc.case.opened.v1.json',
    title: 'CaseOpened',
    description: 'The Social Work Committee opened a coordinated case.',
    type: 'object',
    additionalProperties: false,
    required: ['caseId', 'origin', 'category', 'location', 'severity', 'openedAt'],
    properties: {
      caseId: uuidSchema,
      origin: { enum: ['street-report', 'drc-warning', 'manual'] },
      originEventId: uuidSchema,
      category: { type: 'string', minLength: 1, maxLength: 64 },
      location: gridRefSchema,
      severity: severitySchema,
      openedAt: isoTimeSchema,
    },
  },
} as const satisfies Record<SwcEvent['type'], object>;
