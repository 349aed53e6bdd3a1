import type { SwcEvent } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

const origins = {
  'street-report': 'from a street report',
  'drc-warning': 'from a DRC risk warning',
  manual: 'manually',
} as const;

const agencyNames = { street: 'the street office', drc: 'the DRC' } as const;

export const swcSummaries: SummaryTable<SwcEvent> = {
  'swc.case.opened.v1': (d) =>
    `SWC opened a coordinated case ${origins[d.origin]}: ${d.category}, severity ${d.severity}`,
  'swc.case.triaged.v1': (d) =>
    `SWC triaged the case: ${d.riskLevel} risk, ${d.category}; lead ${agencyNames[d.leadAgency]}` +
    (d.coHandlers.length > 0
      ? `, with ${d.coHandlers.map((a) => agencyNames[a]).join(' and ')}`
      : ''),
  'swc.case.risk-level-changed.v1': (d) =>
    `Risk level changed from ${d.from} to ${d.to}: ${d.reason}`,
  'swc.case.mode-switched.v1': (d) =>
    d.mode === 'emergency'
      ? `Case switched to emergency handling (SWC leads, shorter deadlines): ${d.reason}`
      : `Case back to routine handling: ${d.reason}`,
  'swc.case.assignment-made.v1': (d) =>
    `Assigned to ${agencyNames[d.agency]} as ${d.role}, due ${d.dueAt}`,
  'swc.case.assignment-rescheduled.v1': (d) => `Assignment now due ${d.dueAt} (${d.reason})`,
  'swc.case.assignment-accepted.v1': (d) =>
    `${capitalise(agencyNames[d.agency])} accepted the assignment`,
  'swc.case.assignment-declined.v1': (d) =>
    `${capitalise(agencyNames[d.agency])} declined the assignment: ${d.reason}`,
  'swc.case.assignment-returned.v1': (d) =>
    `${capitalise(agencyNames[d.agency])} returned the assignment: ${d.reason}`,
  'swc.case.progress-reported.v1': (d) =>
    `${capitalise(agencyNames[d.agency])} reported progress: ${d.note}`,
  'swc.case.assignment-completed.v1': (d) =>
    `${capitalise(agencyNames[d.agency])} completed its assignment: ${d.outcome}`,
  'swc.case.assignment-escalated.v1': (d) =>
    `Assignment of ${agencyNames[d.agency]} overdue since ${d.dueAt}: escalated`,
  'swc.case.outcome-verified.v1': (d) => `SWC verified the outcome: ${d.note}`,
  'swc.case.feedback-recorded.v1': (d) =>
    `Resident satisfaction ${d.satisfaction}/5 (${d.channel})`,
  'swc.case.closed.v1': () => 'SWC closed the case',
  'swc.case.reopened.v1': (d) => `Case reopened: ${d.reason}`,
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
