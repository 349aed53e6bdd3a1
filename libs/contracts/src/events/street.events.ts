import {
  isoTimeSchema,
  placeSchema,
  severitySchema,
  uuidSchema,
  type Place,
  type Severity,
} from './common.schema.js';
import { sealedValueSchema, type SealedValue } from '../personal-data.js';

// Events of the street offices: issues from the grid, enforcement subjects, the 721
// progression (reminder → warning → penalty), discretion standards, and penalty
// decisions with legal review, publicity and appeals. Personal data travels sealed.

// ─── Shared shapes ────────────────────────────────────────────────────────────

export type IssueSource = 'grid-worker' | 'resident-complaint';
export type IssueOutcome = 'remedied' | 'referred' | 'no-action-needed' | 'enforcement-started';
export type EnforcementSubjectKind = 'person' | 'business';
export type EvidenceKind = 'photo' | 'video' | 'statement' | 'document';
/** The circumstance a discretion standard gives a penalty range for. */
export type PenaltyCircumstance = 'first-offence' | 'repeat' | 'aggravated';
export const PENALTY_CIRCUMSTANCES: readonly PenaltyCircumstance[] = [
  'first-offence',
  'repeat',
  'aggravated',
];
/** Measures that make a decision major whatever its amount. */
export type AdditionalMeasure = 'licence-revocation' | 'closure';
export type AppealOutcome = 'upheld' | 'changed' | 'revoked';

/** Auxiliary staff or an officer; officers name their enforcement credential. */
export interface StaffRef {
  readonly staffId: string;
  readonly credentialId?: string;
}

/** A qualified enforcement officer: only they may warn, penalise and record evidence. */
export interface OfficerRef {
  readonly officerId: string;
  readonly credentialId: string;
}

/** One piece of the full-process record: who, when, where, what, and the file's digest. */
export interface EnforcementEvidence {
  readonly evidenceId: string;
  readonly kind: EvidenceKind;
  /** SHA-256 of the evidence file, 64 lower-case hex characters. */
  readonly sha256: string;
  readonly description: string;
  readonly capturedAt: string;
  readonly place: Place;
  readonly recordedBy: OfficerRef;
  readonly recordedAt: string;
  /** The file itself, when it was uploaded to the evidence store (docs/evidence.md). */
  readonly file?: EvidenceFile;
}

/**
 * A file in the evidence store: sealed with a data key of its own, kept under
 * the digest of the sealed bytes (`storedSha256`), which anyone can check
 * without a key; `sha256` beside it (on the evidence) is the file's own digest.
 */
export interface EvidenceFile {
  readonly storedSha256: string;
  readonly size: number;
  readonly storedSize: number;
  /** The media type judged by the file's bytes. */
  readonly contentType: string;
  /** The data key, sealed under its data subject's key: erasing the subject makes the file unreadable. */
  readonly dataKey: SealedValue;
}

/** A photo attached to an issue report. */
export interface IssuePhoto {
  readonly evidenceId: string;
  readonly sha256: string;
  readonly file: EvidenceFile;
}

export interface DiscretionRange {
  readonly circumstance: PenaltyCircumstance;
  readonly minYuan: number;
  readonly maxYuan: number;
}

/** What a decision imposes: a fine in whole yuan (0 when none) and possibly a measure. */
export interface PenaltyTerms {
  readonly circumstance: PenaltyCircumstance;
  readonly amountYuan: number;
  readonly additionalMeasure?: AdditionalMeasure;
}

/** The discretion standard version and range a penalty was checked against. */
export interface StandardCheck {
  readonly version: number;
  readonly minYuan: number;
  readonly maxYuan: number;
}

/** A step taken out of the 721 order, with the law that allows it. */
export interface SeriousViolation {
  readonly legalGround: string;
}

const idSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
const textSchema = { type: 'string', minLength: 1, maxLength: 2000 } as const;
export const enforcementCategorySchema = {
  type: 'string',
  pattern: '^[a-z][a-z0-9-]{1,63}$',
} as const;
export const evidenceKindSchema = { enum: ['photo', 'video', 'statement', 'document'] } as const;
export const sha256Schema = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
export const penaltyCircumstanceSchema = {
  enum: ['first-offence', 'repeat', 'aggravated'],
} as const;
export const additionalMeasureSchema = { enum: ['licence-revocation', 'closure'] } as const;
export const yuanSchema = { type: 'integer', minimum: 0, maximum: 100_000_000 } as const;
export const seriousViolationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['legalGround'],
  properties: { legalGround: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;
const staffRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffId'],
  properties: { staffId: idSchema, credentialId: idSchema },
} as const;
const officerRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['officerId', 'credentialId'],
  properties: { officerId: idSchema, credentialId: idSchema },
} as const;
export const evidenceFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['storedSha256', 'size', 'storedSize', 'contentType', 'dataKey'],
  properties: {
    storedSha256: sha256Schema,
    size: { type: 'integer', minimum: 0 },
    storedSize: { type: 'integer', minimum: 0 },
    contentType: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+$', maxLength: 100 },
    dataKey: sealedValueSchema,
  },
} as const;
const issuePhotosSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['dataSubjectId', 'files'],
  properties: {
    dataSubjectId: uuidSchema,
    files: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['evidenceId', 'sha256', 'file'],
        properties: { evidenceId: uuidSchema, sha256: sha256Schema, file: evidenceFileSchema },
      },
    },
  },
} as const;
const evidenceSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'evidenceId',
    'kind',
    'sha256',
    'description',
    'capturedAt',
    'place',
    'recordedBy',
    'recordedAt',
  ],
  properties: {
    evidenceId: uuidSchema,
    kind: evidenceKindSchema,
    sha256: sha256Schema,
    description: { type: 'string', minLength: 1, maxLength: 500 },
    capturedAt: isoTimeSchema,
    place: placeSchema,
    recordedBy: officerRefSchema,
    recordedAt: isoTimeSchema,
    file: evidenceFileSchema,
  },
} as const;
export const discretionRangeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['circumstance', 'minYuan', 'maxYuan'],
  properties: { circumstance: penaltyCircumstanceSchema, minYuan: yuanSchema, maxYuan: yuanSchema },
} as const;
const penaltyTermsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['circumstance', 'amountYuan'],
  properties: {
    circumstance: penaltyCircumstanceSchema,
    amountYuan: yuanSchema,
    additionalMeasure: additionalMeasureSchema,
  },
} as const;
const standardCheckSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'minYuan', 'maxYuan'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    minYuan: yuanSchema,
    maxYuan: yuanSchema,
  },
} as const;

/** Schema `$id` and the fields every street event schema shares. */
const eventSchema = <
  const P extends Record<string, object>,
  const R extends readonly (keyof P & string)[],
>(
  type: string,
  title: string,
  description: string,
  required: R,
  properties: P,
) =>
  ({
    $id: `https://gridline.example/schemas/${type}.json`,
    title,
    description,
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  }) as const;

// ─── Issues ──────────────────────────────────────────────────────────────────

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
    /** How to reach the reporter, sealed under the reporter's own data-subject key. */
    readonly reporterContact?: {
      readonly dataSubjectId: string;
      readonly contact: SealedValue;
    };
    /** Photos of the scene, sealed under the reporter's data subject (the contact's, when both). */
    readonly photos?: {
      readonly dataSubjectId: string;
      readonly files: readonly IssuePhoto[];
    };
  };
}

export interface IssueAcknowledged {
  readonly type: 'street.issue.acknowledged.v1';
  readonly data: {
    readonly issueId: string;
    readonly caseId: string;
    readonly acknowledgedBy: string;
    readonly acknowledgedAt: string;
  };
}

export interface IssueNoteAdded {
  readonly type: 'street.issue.note-added.v1';
  readonly data: {
    readonly issueId: string;
    readonly caseId: string;
    readonly noteId: string;
    readonly note: string;
    readonly addedBy: string;
    readonly addedAt: string;
  };
}

export interface IssueResolved {
  readonly type: 'street.issue.resolved.v1';
  readonly data: {
    readonly issueId: string;
    readonly caseId: string;
    readonly outcome: IssueOutcome;
    readonly summary: string;
    readonly resolvedBy: string;
    readonly resolvedAt: string;
  };
}

/** The reporter of an issue was erased on request: their contact's key is destroyed. */
export interface IssueReporterErased {
  readonly type: 'street.issue.reporter-erased.v1';
  readonly data: {
    readonly issueId: string;
    readonly caseId: string;
    /** The reporter's own data subject (one per report); names no person. */
    readonly dataSubjectId: string;
    readonly reason: string;
    readonly erasedBy: string;
    readonly erasedAt: string;
  };
}

// ─── Enforcement subjects ─────────────────────────────────────────────────────

/** A person or business met by enforcement; events elsewhere name only the pseudonymous id. */
export interface SubjectRegistered {
  readonly type: 'street.subject.registered.v1';
  readonly data: {
    readonly subjectId: string;
    readonly caseId: string;
    readonly kind: EnforcementSubjectKind;
    readonly name: SealedValue;
    /** ID card number of a person, business licence number of a business. */
    readonly identifier: SealedValue;
    readonly contact?: SealedValue;
    readonly registeredBy: string;
    readonly registeredAt: string;
  };
}

/**
 * A data subject was erased (crypto-shredding): the subject's key is destroyed, so
 * every value ever sealed for it is unreadable; the history stays valid.
 */
export interface SubjectErased {
  readonly type: 'street.subject.erased.v1';
  readonly data: {
    readonly subjectId: string;
    readonly caseId: string;
    readonly reason: string;
    readonly erasedBy: string;
    readonly erasedAt: string;
  };
}

// ─── The 721 progression, per subject and violation category ──────────────────

export interface ReminderIssued {
  readonly type: 'street.enforcement.reminder-issued.v1';
  readonly data: {
    readonly stepId: string;
    readonly subjectId: string;
    readonly category: string;
    readonly caseId: string;
    readonly place: Place;
    /** The facts, the rule and the reasons explained to the subject (enforcement educates). */
    readonly explanation: string;
    readonly issuedBy: StaffRef;
    readonly issuedAt: string;
  };
}

export interface WarningIssued {
  readonly type: 'street.enforcement.warning-issued.v1';
  readonly data: {
    readonly stepId: string;
    readonly subjectId: string;
    readonly category: string;
    readonly caseId: string;
    readonly place: Place;
    readonly explanation: string;
    /** Present when the warning skipped the reminder. */
    readonly serious?: SeriousViolation;
    readonly evidence: readonly EnforcementEvidence[];
    readonly issuedBy: OfficerRef;
    readonly issuedAt: string;
  };
}

export interface EnforcementEvidenceRecorded {
  readonly type: 'street.enforcement.evidence-recorded.v1';
  readonly data: {
    readonly stepId: string;
    readonly subjectId: string;
    readonly category: string;
    readonly caseId: string;
    readonly evidence: EnforcementEvidence;
  };
}

// ─── Discretion standards ─────────────────────────────────────────────────────

export interface DiscretionStandardPublished {
  readonly type: 'street.discretion.standard-published.v1';
  readonly data: {
    readonly category: string;
    readonly version: number;
    readonly ranges: readonly DiscretionRange[];
    readonly legalBasis: string;
    readonly publishedBy: string;
    readonly publishedAt: string;
  };
}

// ─── Enforcement credentials (the registry, one stream per officer) ───────────

/**
 * The street office's admin granted an officer an enforcement credential: only
 * while it is valid (validFrom ≤ t < validTo, not withdrawn) may the officer
 * warn, penalise and record evidence. The number is what `credentialId` of an
 * officer's acts records.
 */
export interface CredentialGranted {
  readonly type: 'street.credential.granted.v1';
  readonly data: {
    /** The principal id the officer signs in with. */
    readonly officerId: string;
    readonly credentialNumber: string;
    readonly issuingBody: string;
    readonly validFrom: string;
    /** The first instant the credential is no longer valid. */
    readonly validTo: string;
    readonly grantedBy: string;
    readonly grantedAt: string;
  };
}

/** The admin withdrew a credential before its end: from `withdrawnAt` on it no longer counts. */
export interface CredentialWithdrawn {
  readonly type: 'street.credential.withdrawn.v1';
  readonly data: {
    readonly officerId: string;
    readonly credentialNumber: string;
    readonly reason: string;
    readonly withdrawnBy: string;
    readonly withdrawnAt: string;
  };
}

// ─── Penalty decisions ───────────────────────────────────────────────────────

export interface PenaltyProposed {
  readonly type: 'street.decision.penalty-proposed.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly subjectId: string;
    readonly category: string;
    readonly draft: number;
    readonly penalty: PenaltyTerms;
    readonly facts: string;
    readonly legalBasis: string;
    /** Present when the penalty skipped the reminder or warning. */
    readonly serious?: SeriousViolation;
    /** The reminder and warning steps (in the look-back window) the penalty follows. */
    readonly priorStepIds: readonly string[];
    readonly checkedAgainst: StandardCheck;
    readonly major: boolean;
    readonly majorReasons: readonly string[];
    readonly evidence: readonly EnforcementEvidence[];
    readonly proposedBy: OfficerRef;
    readonly proposedAt: string;
  };
}

export interface DecisionDraftRevised {
  readonly type: 'street.decision.draft-revised.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly draft: number;
    readonly penalty: PenaltyTerms;
    readonly facts: string;
    readonly legalBasis: string;
    readonly checkedAgainst: StandardCheck;
    readonly major: boolean;
    readonly majorReasons: readonly string[];
    readonly revisedBy: OfficerRef;
    readonly revisedAt: string;
  };
}

export interface LegalReviewRequested {
  readonly type: 'street.decision.review-requested.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly draft: number;
    readonly requestedBy: string;
    readonly requestedAt: string;
  };
}

export interface DecisionApproved {
  readonly type: 'street.decision.approved.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly draft: number;
    readonly note?: string;
    readonly reviewedBy: string;
    readonly approvedAt: string;
  };
}

export interface DecisionReturned {
  readonly type: 'street.decision.returned.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly draft: number;
    readonly reasons: readonly string[];
    readonly reviewedBy: string;
    readonly returnedAt: string;
  };
}

export interface DecisionIssued {
  readonly type: 'street.decision.issued.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly draft: number;
    readonly penalty: PenaltyTerms;
    readonly standardVersion: number;
    readonly issuedBy: OfficerRef;
    readonly issuedAt: string;
  };
}

/** Enforcement publicity: the subject appears only as a masked label. */
export interface DecisionPublished {
  readonly type: 'street.decision.published.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly subjectLabel: string;
    readonly category: string;
    readonly penalty: PenaltyTerms;
    readonly standardVersion: number;
    readonly issuedAt: string;
    readonly publishedBy: string;
    readonly publishedAt: string;
  };
}

export interface DecisionPublicityRetracted {
  readonly type: 'street.decision.publicity-retracted.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly reason: string;
    readonly retractedBy: string;
    readonly retractedAt: string;
  };
}

export interface AppealFiled {
  readonly type: 'street.decision.appeal-filed.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly appellant: 'subject' | 'representative';
    readonly grounds: string;
    readonly recordedBy: string;
    readonly filedAt: string;
  };
}

export interface AppealDecided {
  readonly type: 'street.decision.appeal-decided.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly outcome: AppealOutcome;
    readonly reasons: string;
    /** The changed penalty and the range it was checked against, for `changed`. */
    readonly penalty?: PenaltyTerms;
    readonly checkedAgainst?: StandardCheck;
    readonly recordedBy: string;
    readonly decidedAt: string;
  };
}

export interface DecisionEvidenceRecorded {
  readonly type: 'street.decision.evidence-recorded.v1';
  readonly data: {
    readonly decisionId: string;
    readonly caseId: string;
    readonly evidence: EnforcementEvidence;
  };
}

export type StreetEvent =
  | IssueReported
  | IssueAcknowledged
  | IssueNoteAdded
  | IssueResolved
  | IssueReporterErased
  | SubjectRegistered
  | SubjectErased
  | ReminderIssued
  | WarningIssued
  | EnforcementEvidenceRecorded
  | DiscretionStandardPublished
  | CredentialGranted
  | CredentialWithdrawn
  | PenaltyProposed
  | DecisionDraftRevised
  | LegalReviewRequested
  | DecisionApproved
  | DecisionReturned
  | DecisionIssued
  | DecisionPublished
  | DecisionPublicityRetracted
  | AppealFiled
  | AppealDecided
  | DecisionEvidenceRecorded;

const draftSchema = { type: 'integer', minimum: 1 } as const;
const reasonsSchema = { type: 'array', minItems: 1, maxItems: 20, items: textSchema } as const;

export const streetEventSchemas = {
  'street.issue.reported.v1': eventSchema(
    'street.issue.reported.v1',
    'IssueReported',
    "A grid worker or a resident complaint reported an issue in a grid, perhaps with photos in the evidence store; the reporter contact, if any, is sealed, and so are the photos' keys.",
    [
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
    {
      issueId: uuidSchema,
      caseId: uuidSchema,
      source: { enum: ['grid-worker', 'resident-complaint'] },
      category: { type: 'string', minLength: 1, maxLength: 64 },
      location: placeSchema,
      description: textSchema,
      severity: severitySchema,
      reportedBy: { type: 'string', minLength: 1 },
      reportedAt: isoTimeSchema,
      reporterContact: {
        type: 'object',
        additionalProperties: false,
        required: ['dataSubjectId', 'contact'],
        properties: { dataSubjectId: uuidSchema, contact: sealedValueSchema },
      },
      photos: issuePhotosSchema,
    },
  ),
  'street.issue.acknowledged.v1': eventSchema(
    'street.issue.acknowledged.v1',
    'IssueAcknowledged',
    'The street office acknowledged a reported issue and took it in hand.',
    ['issueId', 'caseId', 'acknowledgedBy', 'acknowledgedAt'],
    {
      issueId: uuidSchema,
      caseId: uuidSchema,
      acknowledgedBy: idSchema,
      acknowledgedAt: isoTimeSchema,
    },
  ),
  'street.issue.note-added.v1': eventSchema(
    'street.issue.note-added.v1',
    'IssueNoteAdded',
    'A handling note was added to an acknowledged issue (an issue collects several).',
    ['issueId', 'caseId', 'noteId', 'note', 'addedBy', 'addedAt'],
    {
      issueId: uuidSchema,
      caseId: uuidSchema,
      noteId: uuidSchema,
      note: textSchema,
      addedBy: idSchema,
      addedAt: isoTimeSchema,
    },
  ),
  'street.issue.resolved.v1': eventSchema(
    'street.issue.resolved.v1',
    'IssueResolved',
    'An acknowledged issue was resolved with its outcome; a resolved issue is final.',
    ['issueId', 'caseId', 'outcome', 'summary', 'resolvedBy', 'resolvedAt'],
    {
      issueId: uuidSchema,
      caseId: uuidSchema,
      outcome: { enum: ['remedied', 'referred', 'no-action-needed', 'enforcement-started'] },
      summary: textSchema,
      resolvedBy: idSchema,
      resolvedAt: isoTimeSchema,
    },
  ),
  'street.issue.reporter-erased.v1': eventSchema(
    'street.issue.reporter-erased.v1',
    'IssueReporterErased',
    'The reporter of an issue was erased on request (crypto-shredding): the key of their contact is destroyed, the report stays valid.',
    ['issueId', 'caseId', 'dataSubjectId', 'reason', 'erasedBy', 'erasedAt'],
    {
      issueId: uuidSchema,
      caseId: uuidSchema,
      dataSubjectId: uuidSchema,
      reason: textSchema,
      erasedBy: idSchema,
      erasedAt: isoTimeSchema,
    },
  ),
  'street.subject.registered.v1': eventSchema(
    'street.subject.registered.v1',
    'SubjectRegistered',
    'A person or business met by enforcement was registered; name, identifier and contact are sealed under the subject’s own key.',
    ['subjectId', 'caseId', 'kind', 'name', 'identifier', 'registeredBy', 'registeredAt'],
    {
      subjectId: uuidSchema,
      caseId: uuidSchema,
      kind: { enum: ['person', 'business'] },
      name: sealedValueSchema,
      identifier: sealedValueSchema,
      contact: sealedValueSchema,
      registeredBy: idSchema,
      registeredAt: isoTimeSchema,
    },
  ),
  'street.subject.erased.v1': eventSchema(
    'street.subject.erased.v1',
    'SubjectErased',
    'A data subject was erased on request (crypto-shredding): their key is destroyed, every value sealed for them is unreadable, the history stays valid.',
    ['subjectId', 'caseId', 'reason', 'erasedBy', 'erasedAt'],
    {
      subjectId: uuidSchema,
      caseId: uuidSchema,
      reason: textSchema,
      erasedBy: idSchema,
      erasedAt: isoTimeSchema,
    },
  ),
  'street.enforcement.reminder-issued.v1': eventSchema(
    'street.enforcement.reminder-issued.v1',
    'ReminderIssued',
    'First step of the 721 progression (service): a subject was reminded of a rule, with the facts and reasons explained.',
    ['stepId', 'subjectId', 'category', 'caseId', 'place', 'explanation', 'issuedBy', 'issuedAt'],
    {
      stepId: uuidSchema,
      subjectId: uuidSchema,
      category: enforcementCategorySchema,
      caseId: uuidSchema,
      place: placeSchema,
      explanation: textSchema,
      issuedBy: staffRefSchema,
      issuedAt: isoTimeSchema,
    },
  ),
  'street.enforcement.warning-issued.v1': eventSchema(
    'street.enforcement.warning-issued.v1',
    'WarningIssued',
    'Second step of the 721 progression (management): a credentialed officer warned a subject, with evidence.',
    [
      'stepId',
      'subjectId',
      'category',
      'caseId',
      'place',
      'explanation',
      'evidence',
      'issuedBy',
      'issuedAt',
    ],
    {
      stepId: uuidSchema,
      subjectId: uuidSchema,
      category: enforcementCategorySchema,
      caseId: uuidSchema,
      place: placeSchema,
      explanation: textSchema,
      serious: seriousViolationSchema,
      evidence: { type: 'array', minItems: 1, maxItems: 50, items: evidenceSchema },
      issuedBy: officerRefSchema,
      issuedAt: isoTimeSchema,
    },
  ),
  'street.enforcement.evidence-recorded.v1': eventSchema(
    'street.enforcement.evidence-recorded.v1',
    'EnforcementEvidenceRecorded',
    'A credentialed officer added evidence (kind, place, time, SHA-256 digest) to a reminder or warning step.',
    ['stepId', 'subjectId', 'category', 'caseId', 'evidence'],
    {
      stepId: uuidSchema,
      subjectId: uuidSchema,
      category: enforcementCategorySchema,
      caseId: uuidSchema,
      evidence: evidenceSchema,
    },
  ),
  'street.discretion.standard-published.v1': eventSchema(
    'street.discretion.standard-published.v1',
    'DiscretionStandardPublished',
    'A new version of the discretion standard of a violation category: the allowed fine range in whole yuan per circumstance.',
    ['category', 'version', 'ranges', 'legalBasis', 'publishedBy', 'publishedAt'],
    {
      category: enforcementCategorySchema,
      version: { type: 'integer', minimum: 1 },
      ranges: { type: 'array', minItems: 1, maxItems: 3, items: discretionRangeSchema },
      legalBasis: textSchema,
      publishedBy: idSchema,
      publishedAt: isoTimeSchema,
    },
  ),
  'street.credential.granted.v1': eventSchema(
    'street.credential.granted.v1',
    'CredentialGranted',
    'The street office admin granted an officer an enforcement credential (number, issuing body, validity); only while it is valid may the officer warn, penalise and record evidence.',
    [
      'officerId',
      'credentialNumber',
      'issuingBody',
      'validFrom',
      'validTo',
      'grantedBy',
      'grantedAt',
    ],
    {
      officerId: idSchema,
      credentialNumber: idSchema,
      issuingBody: { type: 'string', minLength: 1, maxLength: 200 },
      validFrom: isoTimeSchema,
      validTo: isoTimeSchema,
      grantedBy: idSchema,
      grantedAt: isoTimeSchema,
    },
  ),
  'street.credential.withdrawn.v1': eventSchema(
    'street.credential.withdrawn.v1',
    'CredentialWithdrawn',
    'The street office admin withdrew an officer’s enforcement credential, with the reason; from then on it no longer qualifies the officer.',
    ['officerId', 'credentialNumber', 'reason', 'withdrawnBy', 'withdrawnAt'],
    {
      officerId: idSchema,
      credentialNumber: idSchema,
      reason: textSchema,
      withdrawnBy: idSchema,
      withdrawnAt: isoTimeSchema,
    },
  ),
  'street.decision.penalty-proposed.v1': eventSchema(
    'street.decision.penalty-proposed.v1',
    'PenaltyProposed',
    'Third step of the 721 progression (enforcement): a credentialed officer drafted a penalty decision within the discretion range, with evidence; major decisions need legal review.',
    [
      'decisionId',
      'caseId',
      'subjectId',
      'category',
      'draft',
      'penalty',
      'facts',
      'legalBasis',
      'priorStepIds',
      'checkedAgainst',
      'major',
      'majorReasons',
      'evidence',
      'proposedBy',
      'proposedAt',
    ],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      subjectId: uuidSchema,
      category: enforcementCategorySchema,
      draft: draftSchema,
      penalty: penaltyTermsSchema,
      facts: textSchema,
      legalBasis: textSchema,
      serious: seriousViolationSchema,
      priorStepIds: { type: 'array', maxItems: 100, items: uuidSchema },
      checkedAgainst: standardCheckSchema,
      major: { type: 'boolean' },
      majorReasons: { type: 'array', maxItems: 5, items: textSchema },
      evidence: { type: 'array', minItems: 1, maxItems: 50, items: evidenceSchema },
      proposedBy: officerRefSchema,
      proposedAt: isoTimeSchema,
    },
  ),
  'street.decision.draft-revised.v1': eventSchema(
    'street.decision.draft-revised.v1',
    'DecisionDraftRevised',
    'A returned (or not yet reviewed) penalty draft was revised into a new draft, checked again against the discretion range.',
    [
      'decisionId',
      'caseId',
      'draft',
      'penalty',
      'facts',
      'legalBasis',
      'checkedAgainst',
      'major',
      'majorReasons',
      'revisedBy',
      'revisedAt',
    ],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      draft: draftSchema,
      penalty: penaltyTermsSchema,
      facts: textSchema,
      legalBasis: textSchema,
      checkedAgainst: standardCheckSchema,
      major: { type: 'boolean' },
      majorReasons: { type: 'array', maxItems: 5, items: textSchema },
      revisedBy: officerRefSchema,
      revisedAt: isoTimeSchema,
    },
  ),
  'street.decision.review-requested.v1': eventSchema(
    'street.decision.review-requested.v1',
    'LegalReviewRequested',
    'Legal review was requested for the current draft of a penalty decision.',
    ['decisionId', 'caseId', 'draft', 'requestedBy', 'requestedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      draft: draftSchema,
      requestedBy: idSchema,
      requestedAt: isoTimeSchema,
    },
  ),
  'street.decision.approved.v1': eventSchema(
    'street.decision.approved.v1',
    'DecisionApproved',
    'A legal reviewer who did not draft the decision approved its current draft.',
    ['decisionId', 'caseId', 'draft', 'reviewedBy', 'approvedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      draft: draftSchema,
      note: textSchema,
      reviewedBy: idSchema,
      approvedAt: isoTimeSchema,
    },
  ),
  'street.decision.returned.v1': eventSchema(
    'street.decision.returned.v1',
    'DecisionReturned',
    'A legal reviewer returned the current draft with reasons; a revised draft may be reviewed again.',
    ['decisionId', 'caseId', 'draft', 'reasons', 'reviewedBy', 'returnedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      draft: draftSchema,
      reasons: reasonsSchema,
      reviewedBy: idSchema,
      returnedAt: isoTimeSchema,
    },
  ),
  'street.decision.issued.v1': eventSchema(
    'street.decision.issued.v1',
    'DecisionIssued',
    'A credentialed officer issued the penalty decision (a major one only after approval of its current draft).',
    ['decisionId', 'caseId', 'draft', 'penalty', 'standardVersion', 'issuedBy', 'issuedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      draft: draftSchema,
      penalty: penaltyTermsSchema,
      standardVersion: { type: 'integer', minimum: 1 },
      issuedBy: officerRefSchema,
      issuedAt: isoTimeSchema,
    },
  ),
  'street.decision.published.v1': eventSchema(
    'street.decision.published.v1',
    'DecisionPublished',
    'Enforcement publicity: an issued decision was published with the subject masked.',
    [
      'decisionId',
      'caseId',
      'subjectLabel',
      'category',
      'penalty',
      'standardVersion',
      'issuedAt',
      'publishedBy',
      'publishedAt',
    ],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      subjectLabel: { type: 'string', minLength: 1, maxLength: 64 },
      category: enforcementCategorySchema,
      penalty: penaltyTermsSchema,
      standardVersion: { type: 'integer', minimum: 1 },
      issuedAt: isoTimeSchema,
      publishedBy: idSchema,
      publishedAt: isoTimeSchema,
    },
  ),
  'street.decision.publicity-retracted.v1': eventSchema(
    'street.decision.publicity-retracted.v1',
    'DecisionPublicityRetracted',
    'The publicity of a decision was retracted, with the reason (also automatically when an appeal revokes it).',
    ['decisionId', 'caseId', 'reason', 'retractedBy', 'retractedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      reason: textSchema,
      retractedBy: idSchema,
      retractedAt: isoTimeSchema,
    },
  ),
  'street.decision.appeal-filed.v1': eventSchema(
    'street.decision.appeal-filed.v1',
    'AppealFiled',
    'The subject of an issued decision (or their representative) appealed within the time limit; an officer recorded it.',
    ['decisionId', 'caseId', 'appellant', 'grounds', 'recordedBy', 'filedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      appellant: { enum: ['subject', 'representative'] },
      grounds: textSchema,
      recordedBy: idSchema,
      filedAt: isoTimeSchema,
    },
  ),
  'street.decision.appeal-decided.v1': eventSchema(
    'street.decision.appeal-decided.v1',
    'AppealDecided',
    'The appeal outcome: the decision upheld, changed (a new penalty within the discretion range) or revoked (no longer in force).',
    ['decisionId', 'caseId', 'outcome', 'reasons', 'recordedBy', 'decidedAt'],
    {
      decisionId: uuidSchema,
      caseId: uuidSchema,
      outcome: { enum: ['upheld', 'changed', 'revoked'] },
      reasons: textSchema,
      penalty: penaltyTermsSchema,
      checkedAgainst: standardCheckSchema,
      recordedBy: idSchema,
      decidedAt: isoTimeSchema,
    },
  ),
  'street.decision.evidence-recorded.v1': eventSchema(
    'street.decision.evidence-recorded.v1',
    'DecisionEvidenceRecorded',
    'A credentialed officer added evidence (kind, place, time, SHA-256 digest) to a penalty decision.',
    ['decisionId', 'caseId', 'evidence'],
    { decisionId: uuidSchema, caseId: uuidSchema, evidence: evidenceSchema },
  ),
} as const satisfies Record<StreetEvent['type'], object>;
