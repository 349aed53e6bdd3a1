// The agency services' own reads the work pages use, through the gateway's
// /api/agencies proxy (api/commands.ts readAgency). Shapes as the services
// answer them (apps/street-service/src/{decisions,discretion,credentials},
// libs/assignment-inbox, apps/drc-service/src/{warnings,projects}).
import { readAgency, type AgencyCode } from './commands';

type Opts = { signal?: AbortSignal };

export type Circumstance = 'first-offence' | 'repeat' | 'aggravated';
export const CIRCUMSTANCES: readonly Circumstance[] = ['first-offence', 'repeat', 'aggravated'];

export interface PenaltyTerms {
  readonly circumstance: Circumstance;
  readonly amountYuan: number;
  readonly additionalMeasure?: 'licence-revocation' | 'closure';
}

export type DecisionStatus =
  'drafted' | 'review-requested' | 'returned' | 'approved' | 'issued' | 'revoked';

export interface Decision {
  readonly status: DecisionStatus;
  readonly decisionId: string;
  readonly caseId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly draft: number;
  readonly penalty: PenaltyTerms;
  readonly checkedAgainst: {
    readonly version: number;
    readonly minYuan: number;
    readonly maxYuan: number;
  };
  readonly major: boolean;
  readonly majorReasons: readonly string[];
  readonly drafters: readonly string[];
  readonly approvedDraft?: number;
  readonly returnReasons?: readonly string[];
  readonly issuedAt?: string;
  readonly publicity: 'unpublished' | 'published' | 'retracted';
  readonly appeal: 'none' | 'pending' | 'upheld' | 'changed' | 'revoked';
  readonly evidenceIds: readonly string[];
}

export const getDecision = (decisionId: string, options: Opts = {}) =>
  readAgency<Decision>('street', `decisions/${encodeURIComponent(decisionId)}`, options);

/** The decisions in one status (the legal reviewers' queue: review-requested). */
export const listDecisions = (status: DecisionStatus, options: Opts = {}) =>
  readAgency<{ status: DecisionStatus; items: Decision[] }>('street', 'decisions', {
    ...options,
    query: { status },
  });

export interface DiscretionRange {
  readonly circumstance: Circumstance;
  readonly minYuan: number;
  readonly maxYuan: number;
}

export interface StandardVersion {
  readonly category: string;
  readonly version: number;
  readonly ranges: readonly DiscretionRange[];
  readonly legalBasis: string;
  readonly publishedAt: string;
}

export const getStandard = (category: string, options: Opts = {}) =>
  readAgency<{ category: string; current: StandardVersion; versions: StandardVersion[] }>(
    'street',
    `discretion-standards/${encodeURIComponent(category)}`,
    options,
  );

export interface EnforcementStepView {
  readonly stepId: string;
  readonly kind: 'reminder' | 'warning';
  readonly issuedAt: string;
}

export const getEnforcement = (subjectId: string, category: string, options: Opts = {}) =>
  readAgency<{ steps: EnforcementStepView[] }>(
    'street',
    `enforcement/${encodeURIComponent(subjectId)}/${encodeURIComponent(category)}`,
    options,
  );

export type CredentialStatus = 'valid' | 'not-yet-valid' | 'expired' | 'withdrawn';

export interface CredentialView {
  readonly credentialNumber: string;
  readonly issuingBody: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly status: CredentialStatus;
}

export interface RegistryEntry {
  readonly eventId: string;
  readonly action: 'granted' | 'withdrawn';
  readonly credentialNumber: string;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

export const listCredentials = (
  status: CredentialStatus | undefined,
  cursor?: string,
  options: Opts = {},
) =>
  readAgency<{
    at: string;
    items: { officerId: string; credentials: CredentialView[] }[];
    nextCursor: string | null;
  }>('street', 'credentials', { ...options, query: { status, cursor } });

export const getOfficerCredentials = (officerId: string, options: Opts = {}) =>
  readAgency<{
    officerId: string;
    at: string;
    credentials: CredentialView[];
    history: RegistryEntry[];
  }>('street', `credentials/${encodeURIComponent(officerId)}`, options);

export type InboxStatus = 'received' | 'accepted' | 'declined' | 'returned' | 'completed';

export interface InboxEntry {
  readonly status: InboxStatus | 'none';
  readonly assignmentId: string;
  readonly caseId: string;
  readonly role: 'lead' | 'co-handler';
  readonly dueAt: string;
  readonly instructions?: string;
}

export const getInboxEntry = (agency: AgencyCode, assignmentId: string, options: Opts = {}) =>
  readAgency<InboxEntry>(agency, `assignments/${encodeURIComponent(assignmentId)}`, options);

export interface WarningView {
  readonly warningId: string;
  readonly caseId: string;
  readonly status: string;
  readonly level: string;
  readonly kind: string;
}

export const getWarning = (warningId: string, options: Opts = {}) =>
  readAgency<WarningView>('drc', `warnings/${encodeURIComponent(warningId)}`, options);

export interface ProjectView {
  readonly projectId: string;
  readonly caseId: string;
  readonly status: string;
  readonly title?: string;
  readonly budget?: number;
  readonly approvedBudget?: number;
  readonly fundedTotal?: number;
}

export const getProject = (projectId: string, options: Opts = {}) =>
  readAgency<ProjectView>('drc', `projects/${encodeURIComponent(projectId)}`, options);
