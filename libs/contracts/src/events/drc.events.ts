import {
  gridRefSchema,
  isoTimeSchema,
  placeSchema,
  uuidSchema,
  type Place,
} from './common.schema.js';

// Events of the Development and Reform Commission: risk early warnings and livelihood projects.
// TypeScript names of warning events carry a `Risk` prefix: street enforcement warnings are
// another thing, and every agency's names share one contracts index.

// ─── Risk early warnings ──────────────────────────────────────────────────────

export type RiskWarningKind = 'price-anomaly' | 'tourism-surge' | 'project-risk';
export const RISK_WARNING_KINDS: readonly RiskWarningKind[] = [
  'price-anomaly',
  'tourism-surge',
  'project-risk',
];

/** Early-warning levels, lowest first: blue < yellow < orange < red. */
export type RiskLevel = 'blue' | 'yellow' | 'orange' | 'red';
export const RISK_LEVELS: readonly RiskLevel[] = ['blue', 'yellow', 'orange', 'red'];

/** Where a warning applies: a whole street office area, or narrowed to a community or grid. */
export interface RiskWarningArea {
  readonly street: string;
  readonly community?: string;
  readonly grid?: string;
}

/** The economic or livelihood figure behind a warning, e.g. pork at 38 yuan/kg against 26. */
export interface SignalFigures {
  readonly indicator: string;
  readonly observed: number;
  readonly baseline: number;
  readonly unit?: string;
}

export const riskWarningKindSchema = {
  enum: ['price-anomaly', 'tourism-surge', 'project-risk'],
} as const;
export const riskLevelSchema = { enum: ['blue', 'yellow', 'orange', 'red'] } as const;
export const riskWarningAreaSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['street'],
  properties: gridRefSchema.properties,
} as const;
export const signalFiguresSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['indicator', 'observed', 'baseline'],
  properties: {
    indicator: { type: 'string', minLength: 1, maxLength: 120 },
    observed: { type: 'number' },
    baseline: { type: 'number' },
    unit: { type: 'string', minLength: 1, maxLength: 32 },
  },
} as const;
const reasonSchema = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const principalIdSchema = { type: 'string', minLength: 1 } as const;

/** The DRC issued a risk early warning; the SWC opens a prevention case from it. */
export interface RiskWarningIssued {
  readonly type: 'drc.warning.issued.v1';
  readonly data: {
    readonly warningId: string;
    readonly caseId: string;
    readonly kind: RiskWarningKind;
    readonly level: RiskLevel;
    readonly area: RiskWarningArea;
    readonly description: string;
    readonly signal?: SignalFigures;
    readonly issuedBy: string;
    readonly issuedAt: string;
  };
}

/** The DRC raised or lowered an active warning's level. */
export interface RiskWarningReleveled {
  readonly type: 'drc.warning.re-leveled.v1';
  readonly data: {
    readonly warningId: string;
    readonly caseId: string;
    readonly fromLevel: RiskLevel;
    readonly toLevel: RiskLevel;
    readonly direction: 'raised' | 'lowered';
    readonly reason?: string;
    readonly signal?: SignalFigures;
    readonly releveledBy: string;
    readonly releveledAt: string;
  };
}

/** The DRC lifted a warning: the risk has passed. Final. */
export interface RiskWarningLifted {
  readonly type: 'drc.warning.lifted.v1';
  readonly data: {
    readonly warningId: string;
    readonly caseId: string;
    readonly reason: string;
    readonly liftedBy: string;
    readonly liftedAt: string;
  };
}

// ─── Livelihood projects ──────────────────────────────────────────────────────

/** A livelihood project that addresses a case's root cause was proposed, with a budget in yuan. */
export interface ProjectProposed {
  readonly type: 'drc.project.proposed.v1';
  readonly data: {
    readonly projectId: string;
    readonly caseId: string;
    readonly title: string;
    readonly description: string;
    readonly budget: number;
    readonly location: Place;
    readonly proposedBy: string;
    readonly proposedAt: string;
  };
}

/** Someone other than the proposer approved the project, with the budget granted (yuan). */
export interface ProjectApproved {
  readonly type: 'drc.project.approved.v1';
  readonly data: {
    readonly projectId: string;
    readonly caseId: string;
    readonly approvedBudget: number;
    readonly approvedBy: string;
    readonly approvedAt: string;
  };
}

/** Someone other than the proposer rejected the project. Final. */
export interface ProjectRejected {
  readonly type: 'drc.project.rejected.v1';
  readonly data: {
    readonly projectId: string;
    readonly caseId: string;
    readonly reason: string;
    readonly rejectedBy: string;
    readonly rejectedAt: string;
  };
}

/** A tranche of funds (yuan) was released to an approved project. */
export interface ProjectFunded {
  readonly type: 'drc.project.funded.v1';
  readonly data: {
    readonly projectId: string;
    readonly caseId: string;
    /** 1 for the first tranche, 2 for the second, … */
    readonly tranche: number;
    readonly amount: number;
    /** All tranches so far, this one included; never above the approved budget. */
    readonly fundedTotal: number;
    readonly fundedBy: string;
    readonly fundedAt: string;
  };
}

/** A funded project was completed, with its outcome. Final. */
export interface ProjectCompleted {
  readonly type: 'drc.project.completed.v1';
  readonly data: {
    readonly projectId: string;
    readonly caseId: string;
    readonly outcome: string;
    readonly fundedTotal: number;
    readonly completedBy: string;
    readonly completedAt: string;
  };
}

export type RiskWarningEvent = RiskWarningIssued | RiskWarningReleveled | RiskWarningLifted;
export type ProjectEvent =
  ProjectProposed | ProjectApproved | ProjectRejected | ProjectFunded | ProjectCompleted;
export type DrcEvent = RiskWarningEvent | ProjectEvent;

const yuanSchema = { type: 'integer', minimum: 1 } as const;

const schemaId = (type: string) => `https://gridline.example/schemas/${type}.json`;

export const drcEventSchemas = {
  'drc.warning.issued.v1': {
    $id: schemaId('drc.warning.issued.v1'),
    title: 'RiskWarningIssued',
    description:
      'The DRC issued a risk early warning from an economic or livelihood signal; it opens a prevention case.',
    type: 'object',
    additionalProperties: false,
    required: [
      'warningId',
      'caseId',
      'kind',
      'level',
      'area',
      'description',
      'issuedBy',
      'issuedAt',
    ],
    properties: {
      warningId: uuidSchema,
      caseId: uuidSchema,
      kind: riskWarningKindSchema,
      level: riskLevelSchema,
      area: riskWarningAreaSchema,
      description: { type: 'string', minLength: 1, maxLength: 2000 },
      signal: signalFiguresSchema,
      issuedBy: principalIdSchema,
      issuedAt: isoTimeSchema,
    },
  },
  'drc.warning.re-leveled.v1': {
    $id: schemaId('drc.warning.re-leveled.v1'),
    title: 'RiskWarningReleveled',
    description: 'The DRC raised or lowered the level of an active risk warning.',
    type: 'object',
    additionalProperties: false,
    required: [
      'warningId',
      'caseId',
      'fromLevel',
      'toLevel',
      'direction',
      'releveledBy',
      'releveledAt',
    ],
    properties: {
      warningId: uuidSchema,
      caseId: uuidSchema,
      fromLevel: riskLevelSchema,
      toLevel: riskLevelSchema,
      direction: { enum: ['raised', 'lowered'] },
      reason: reasonSchema,
      signal: signalFiguresSchema,
      releveledBy: principalIdSchema,
      releveledAt: isoTimeSchema,
    },
  },
  'drc.warning.lifted.v1': {
    $id: schemaId('drc.warning.lifted.v1'),
    title: 'RiskWarningLifted',
    description: 'The DRC lifted a risk warning, with the reason; a lifted warning is final.',
    type: 'object',
    additionalProperties: false,
    required: ['warningId', 'caseId', 'reason', 'liftedBy', 'liftedAt'],
    properties: {
      warningId: uuidSchema,
      caseId: uuidSchema,
      reason: reasonSchema,
      liftedBy: principalIdSchema,
      liftedAt: isoTimeSchema,
    },
  },
  'drc.project.proposed.v1': {
    $id: schemaId('drc.project.proposed.v1'),
    title: 'ProjectProposed',
    description:
      'A livelihood project linked to a case was proposed, with its budget in whole yuan.',
    type: 'object',
    additionalProperties: false,
    required: [
      'projectId',
      'caseId',
      'title',
      'description',
      'budget',
      'location',
      'proposedBy',
      'proposedAt',
    ],
    properties: {
      projectId: uuidSchema,
      caseId: uuidSchema,
      title: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: 'string', minLength: 1, maxLength: 4000 },
      budget: yuanSchema,
      location: placeSchema,
      proposedBy: principalIdSchema,
      proposedAt: isoTimeSchema,
    },
  },
  'drc.project.approved.v1': {
    $id: schemaId('drc.project.approved.v1'),
    title: 'ProjectApproved',
    description:
      'A livelihood project was approved by someone other than its proposer, with the budget granted in whole yuan.',
    type: 'object',
    additionalProperties: false,
    required: ['projectId', 'caseId', 'approvedBudget', 'approvedBy', 'approvedAt'],
    properties: {
      projectId: uuidSchema,
      caseId: uuidSchema,
      approvedBudget: yuanSchema,
      approvedBy: principalIdSchema,
      approvedAt: isoTimeSchema,
    },
  },
  'drc.project.rejected.v1': {
    $id: schemaId('drc.project.rejected.v1'),
    title: 'ProjectRejected',
    description:
      'A livelihood project was rejected by someone other than its proposer, with the reason.',
    type: 'object',
    additionalProperties: false,
    required: ['projectId', 'caseId', 'reason', 'rejectedBy', 'rejectedAt'],
    properties: {
      projectId: uuidSchema,
      caseId: uuidSchema,
      reason: reasonSchema,
      rejectedBy: principalIdSchema,
      rejectedAt: isoTimeSchema,
    },
  },
  'drc.project.funded.v1': {
    $id: schemaId('drc.project.funded.v1'),
    title: 'ProjectFunded',
    description:
      'A tranche of funds in whole yuan was released to an approved project; the running total never exceeds the approved budget.',
    type: 'object',
    additionalProperties: false,
    required: ['projectId', 'caseId', 'tranche', 'amount', 'fundedTotal', 'fundedBy', 'fundedAt'],
    properties: {
      projectId: uuidSchema,
      caseId: uuidSchema,
      tranche: { type: 'integer', minimum: 1 },
      amount: yuanSchema,
      fundedTotal: yuanSchema,
      fundedBy: principalIdSchema,
      fundedAt: isoTimeSchema,
    },
  },
  'drc.project.completed.v1': {
    $id: schemaId('drc.project.completed.v1'),
    title: 'ProjectCompleted',
    description: 'A funded livelihood project was completed, with its outcome.',
    type: 'object',
    additionalProperties: false,
    required: ['projectId', 'caseId', 'outcome', 'fundedTotal', 'completedBy', 'completedAt'],
    properties: {
      projectId: uuidSchema,
      caseId: uuidSchema,
      outcome: { type: 'string', minLength: 1, maxLength: 4000 },
      fundedTotal: yuanSchema,
      completedBy: principalIdSchema,
      completedAt: isoTimeSchema,
    },
  },
} as const satisfies Record<DrcEvent['type'], object>;
