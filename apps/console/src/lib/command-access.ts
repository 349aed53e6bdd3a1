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
  /** Machine roles the route also takes (department systems), after the people's. */
  readonly machines?: readonly 'service'[];
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

const access =
  (agency: Agency, ...roles: StaffRole[]) =>
  (route: string): CommandAccess => ({ agency, route, roles, ownAgency: true });
const streetOfficer = access('street', 'officer');
const streetAdmin = access('street', 'admin');
const streetReviewer = access('street', 'legal-reviewer');
const drcWarning = access('drc', 'analyst', 'coordinator');
// The assignment inboxes (libs/assignment-inbox): coordinators, officers and admins.
const inbox = (agency: 'drc' | 'street') => access(agency, 'coordinator', 'officer', 'admin');

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

  // street enforcement (apps/street-service/src/{subjects,enforcement,decisions,discretion,credentials})
  RegisterSubject: streetIssue('POST subjects'),
  IssueReminder: streetIssue('POST enforcement/reminders'),
  IssueWarning: streetOfficer('POST enforcement/warnings'),
  ProposePenalty: streetOfficer('POST enforcement/penalties'),
  RecordStepEvidence: streetOfficer('POST enforcement/:subjectId/:category/steps/:stepId/evidence'),
  ReviseDraft: streetOfficer('POST decisions/:decisionId/revisions'),
  RequestReview: streetOfficer('POST decisions/:decisionId/review-requests'),
  ApproveDraft: streetReviewer('POST decisions/:decisionId/approve'),
  ReturnDraft: streetReviewer('POST decisions/:decisionId/return'),
  IssueDecision: streetOfficer('POST decisions/:decisionId/issue'),
  PublishDecision: streetOfficer('POST decisions/:decisionId/publish'),
  RetractPublicity: access('street', 'officer', 'admin')('POST decisions/:decisionId/retract'),
  FileAppeal: streetOfficer('POST decisions/:decisionId/appeals'),
  RecordAppealOutcome: access(
    'street',
    'legal-reviewer',
    'officer',
  )('POST decisions/:decisionId/appeal-outcome'),
  RecordDecisionEvidence: streetOfficer('POST decisions/:decisionId/evidence'),
  PublishStandard: streetAdmin('POST discretion-standards/:category'),
  GrantCredential: streetAdmin('POST credentials'),
  WithdrawCredential: streetAdmin('POST credentials/:officerId/withdrawals'),
  AcceptStreetAssignment: inbox('street')('POST assignments/:assignmentId/accept'),
  DeclineStreetAssignment: inbox('street')('POST assignments/:assignmentId/decline'),
  ReturnStreetAssignment: inbox('street')('POST assignments/:assignmentId/return'),
  ReportStreetProgress: inbox('street')('POST assignments/:assignmentId/progress'),
  CompleteStreetAssignment: inbox('street')('POST assignments/:assignmentId/complete'),

  // DRC (apps/drc-service/src/{warnings,projects}, its inbox)
  IssueRiskWarning: drcWarning('POST warnings'),
  ChangeWarningLevel: drcWarning('POST warnings/:warningId/level'),
  LiftWarning: drcWarning('POST warnings/:warningId/lift'),
  ProposeProject: access('drc', 'coordinator', 'officer')('POST projects'),
  ApproveProject: access('drc', 'coordinator', 'admin')('POST projects/:projectId/approve'),
  RejectProject: access('drc', 'coordinator', 'admin')('POST projects/:projectId/reject'),
  FundProject: {
    ...access('drc', 'coordinator', 'admin')('POST projects/:projectId/fundings'),
    machines: ['service'],
  },
  CompleteProject: access('drc', 'coordinator', 'officer')('POST projects/:projectId/complete'),
  AcceptDrcAssignment: inbox('drc')('POST assignments/:assignmentId/accept'),
  DeclineDrcAssignment: inbox('drc')('POST assignments/:assignmentId/decline'),
  ReturnDrcAssignment: inbox('drc')('POST assignments/:assignmentId/return'),
  ReportDrcProgress: inbox('drc')('POST assignments/:assignmentId/progress'),
  CompleteDrcAssignment: inbox('drc')('POST assignments/:assignmentId/complete'),
} as const satisfies Readonly<Record<string, CommandAccess>>;
