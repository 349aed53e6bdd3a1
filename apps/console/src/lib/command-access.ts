// Which role may use which command: the console's one table of it. It is copied
// from the agency services' route declarations (`@CommandRoute({ roles,
// ownAgency })` in apps/swc-service/src/cases/cases.controller.ts,
// apps/street-service/src/issues/issues.controller.ts, …; docs/security.md,
// "Access"), and test/console/command-access.unit.spec.ts reads those
// declarations and fails when this table says otherwise. The console only hides
// what a role cannot use; the service decides every request again. Plain data
// without imports (that test reads it without the browser's types).

type Agency = 'swc' | 'drc' | 'street';
type StaffRole = 'grid-worker' | 'officer' | 'legal-reviewer' | 'coordinator' | 'analyst' | 'admin';

export interface CommandAccess {
  /** The agency service the command goes to. */
  readonly agency: Agency;
  /** The service's route, relative to its /api (for the test and for reading). */
  readonly route: string;
  /** At least one of these roles… */
  readonly roles: readonly StaffRole[];
  /** …held by a principal of that agency (every command route says ownAgency). */
  readonly ownAgency: true;
}

const swcCase = (route: string): CommandAccess => ({
  agency: 'swc',
  route,
  roles: ['coordinator', 'admin'],
  ownAgency: true,
});
const streetIssue = (route: string): CommandAccess => ({
  agency: 'street',
  route,
  roles: ['grid-worker', 'officer'],
  ownAgency: true,
});

export const COMMANDS = {
  OpenCase: swcCase('POST cases'),
  TriageCase: swcCase('POST cases/:caseId/triage'),
  ChangeRiskLevel: swcCase('POST cases/:caseId/risk-level'),
  SwitchMode: swcCase('POST cases/:caseId/mode'),
  AssignAgency: swcCase('POST cases/:caseId/assignments'),
  VerifyOutcome: swcCase('POST cases/:caseId/verification'),
  RecordFeedback: swcCase('POST cases/:caseId/feedback'),
  CloseCase: swcCase('POST cases/:caseId/close'),
  ReopenCase: swcCase('POST cases/:caseId/reopen'),
  ReportIssue: streetIssue('POST issues'),
  AcknowledgeIssue: streetIssue('POST issues/:issueId/acknowledge'),
  AddIssueNote: streetIssue('POST issues/:issueId/notes'),
  ResolveIssue: streetIssue('POST issues/:issueId/resolve'),
} as const satisfies Readonly<Record<string, CommandAccess>>;
