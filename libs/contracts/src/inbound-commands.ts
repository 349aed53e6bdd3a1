import type { Agency } from './agencies.js';
import {
  placeSchema,
  severitySchema,
  uuidSchema,
  type Place,
  type Severity,
} from './events/common.schema.js';
import {
  riskLevelSchema,
  riskWarningAreaSchema,
  riskWarningKindSchema,
  signalFiguresSchema,
  type RiskLevel,
  type RiskWarningArea,
  type RiskWarningKind,
  type SignalFigures,
} from './events/drc.events.js';
import { sha256Schema } from './events/street.events.js';
import type { IssueSource } from './events/street.events.js';

/**
 * Commands other systems may send an agency: the bodies of the HTTP endpoints
 * that department systems also reach as CloudEvents on Kafka (docs/inbound.md).
 * Kept here, beside the events, because they are published contracts too: the
 * AsyncAPI document describes the inbound topics with these schemas.
 */

/** Kafka topic on which department systems send an agency CloudEvents to act on. */
export function agencyInboundTopic(agency: Agency): string {
  return `gridline.inbound.${agency}.v1`;
}

/** Body of `POST /api/issues` (street), and data of `gridline.street.report-issue.v1`. */
export interface ReportIssueBody {
  readonly source?: IssueSource;
  readonly category: string;
  readonly location: Place;
  readonly description: string;
  readonly severity: Severity;
  /** How to reach the reporter (phone, e-mail); required for resident complaints. Sealed at once. */
  readonly reporterContact?: string;
  /** Photos uploaded to the evidence store first, each named by its upload and the file's SHA-256. */
  readonly photos?: readonly { readonly uploadId: string; readonly sha256: string }[];
}

export const reportIssueBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'location', 'description', 'severity'],
  properties: {
    source: { enum: ['grid-worker', 'resident-complaint'] },
    category: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
    location: placeSchema,
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    severity: severitySchema,
    reporterContact: { type: 'string', minLength: 1, maxLength: 200 },
    photos: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['uploadId', 'sha256'],
        properties: { uploadId: uuidSchema, sha256: sha256Schema },
      },
    },
  },
} as const;

/** Body of `POST /api/warnings` (DRC), and data of `gridline.drc.issue-warning.v1`. */
export interface IssueWarningBody {
  readonly kind: RiskWarningKind;
  readonly level: RiskLevel;
  readonly area: RiskWarningArea;
  readonly description: string;
  readonly signal?: SignalFigures;
}

export const issueWarningBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'level', 'area', 'description'],
  properties: {
    kind: riskWarningKindSchema,
    level: riskLevelSchema,
    area: riskWarningAreaSchema,
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    signal: signalFiguresSchema,
  },
} as const;

export interface InboundCommandContract {
  /** CloudEvents `type` the sender sets. */
  readonly type: string;
  readonly agency: Agency;
  readonly title: string;
  readonly description: string;
  /** JSON Schema of the CloudEvent's `data`. */
  readonly schema: object;
}

/** Every inbound command, by agency; an agency not listed consumes no inbound topic. */
export const INBOUND_COMMAND_CONTRACTS = {
  reportIssue: {
    type: 'gridline.street.report-issue.v1',
    agency: 'street',
    title: 'ReportIssue',
    description:
      'An issue reported from outside, e.g. a complaint taken by the citizens’ hotline (default source: resident-complaint); the SWC opens its case as usual.',
    schema: reportIssueBodySchema,
  },
  issueWarning: {
    type: 'gridline.drc.issue-warning.v1',
    agency: 'drc',
    title: 'IssueWarning',
    description:
      'A risk signal from an economic-monitoring system becomes a DRC risk warning, under which the SWC opens a prevention case.',
    schema: issueWarningBodySchema,
  },
} as const satisfies Readonly<Record<string, InboundCommandContract>>;

/** Why a consumer of an agency topic parks a message (`dlq_kind`). */
export const EVENT_DEAD_LETTER_KINDS = ['malformed', 'invalid', 'failed'] as const;
export type EventDeadLetterKind = (typeof EVENT_DEAD_LETTER_KINDS)[number];

/** Why an agency service parks an inbound message (`dlq_kind`; docs/inbound.md). */
export const INBOUND_DEAD_LETTER_KINDS = [
  'malformed',
  'unauthenticated',
  'forbidden',
  'unknown-type',
  'invalid',
  'rejected',
  'failed',
] as const;
export type InboundDeadLetterKind = (typeof INBOUND_DEAD_LETTER_KINDS)[number];
