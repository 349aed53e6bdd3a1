import type { PenaltyTerms, StreetEvent } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

// Never a name, number or contact: subjects appear as pseudonymous ids or masked labels.

const penalty = (p: PenaltyTerms) =>
  `${p.amountYuan} yuan (${p.circumstance})${p.additionalMeasure ? ` and ${p.additionalMeasure}` : ''}`;
const subject = (subjectId: string) => `subject ${subjectId.slice(0, 8)}`;
const evidence = (count: number) => `${count} piece${count === 1 ? '' : 's'} of evidence`;

export const streetSummaries: SummaryTable<StreetEvent> = {
  'street.issue.reported.v1': (data) => {
    const by =
      data.source === 'resident-complaint' ? 'from a resident complaint' : 'by a grid worker';
    return `Issue reported ${by} in grid ${data.location.grid} (${data.location.street}): ${data.category}, severity ${data.severity}`;
  },
  'street.issue.acknowledged.v1': (data) =>
    `Street office acknowledged the issue (${data.acknowledgedBy})`,
  'street.issue.note-added.v1': (data) => `Handling note on the issue by ${data.addedBy}`,
  'street.issue.resolved.v1': (data) => `Issue resolved: ${data.outcome}`,
  'street.issue.reporter-erased.v1': (data) =>
    `Reporter of the issue erased on request by ${data.erasedBy}: contact destroyed`,
  'street.subject.registered.v1': (data) =>
    `Enforcement ${subject(data.subjectId)} registered (${data.kind}, identity sealed)`,
  'street.subject.erased.v1': (data) =>
    `Enforcement ${subject(data.subjectId)} erased on request by ${data.erasedBy}: personal data destroyed`,
  'street.enforcement.reminder-issued.v1': (data) =>
    `Reminder (service) to ${subject(data.subjectId)} for ${data.category}, by ${data.issuedBy.staffId}`,
  'street.enforcement.warning-issued.v1': (data) =>
    `Warning (management) to ${subject(data.subjectId)} for ${data.category}, by officer ${data.issuedBy.officerId} with ${evidence(data.evidence.length)}${data.serious ? ', serious violation' : ''}`,
  'street.enforcement.evidence-recorded.v1': (data) =>
    `Evidence (${data.evidence.kind}) recorded for an enforcement step on ${data.category}, by officer ${data.evidence.recordedBy.officerId}`,
  'street.discretion.standard-published.v1': (data) =>
    `Discretion standard for ${data.category} published as version ${data.version}`,
  // Registry events are reference data (no case timeline); the summaries serve exports and tools.
  'street.credential.granted.v1': (data) =>
    `Enforcement credential ${data.credentialNumber} granted to officer ${data.officerId} by ${data.grantedBy}, valid ${data.validFrom} to ${data.validTo}`,
  'street.credential.withdrawn.v1': (data) =>
    `Enforcement credential ${data.credentialNumber} of officer ${data.officerId} withdrawn by ${data.withdrawnBy}: ${data.reason}`,
  'street.decision.penalty-proposed.v1': (data) =>
    `Penalty proposed for ${subject(data.subjectId)} (${data.category}): ${penalty(data.penalty)}, within standard v${data.checkedAgainst.version}${data.major ? ', major: legal review needed' : ''}`,
  'street.decision.draft-revised.v1': (data) =>
    `Penalty draft ${data.draft}: ${penalty(data.penalty)}, within standard v${data.checkedAgainst.version}${data.major ? ', major' : ''}`,
  'street.decision.review-requested.v1': (data) => `Legal review requested for draft ${data.draft}`,
  'street.decision.approved.v1': (data) =>
    `Legal review approved draft ${data.draft} (${data.reviewedBy})`,
  'street.decision.returned.v1': (data) =>
    `Legal review returned draft ${data.draft}: ${data.reasons.join('; ')}`,
  'street.decision.issued.v1': (data) =>
    `Penalty decision issued: ${penalty(data.penalty)}, standard v${data.standardVersion}`,
  'street.decision.published.v1': (data) =>
    `Decision published: ${data.subjectLabel}, ${data.category}, ${penalty(data.penalty)}`,
  'street.decision.publicity-retracted.v1': (data) =>
    `Decision publicity retracted: ${data.reason}`,
  'street.decision.appeal-filed.v1': (data) => `Appeal filed by the ${data.appellant}`,
  'street.decision.appeal-decided.v1': (data) =>
    `Appeal decided: decision ${data.outcome}${data.penalty ? `, now ${penalty(data.penalty)}` : ''}`,
  'street.decision.evidence-recorded.v1': (data) =>
    `Evidence (${data.evidence.kind}) recorded for the penalty decision, by officer ${data.evidence.recordedBy.officerId}`,
};
