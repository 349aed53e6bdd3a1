import type { DrcEvent, RiskWarningArea } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

const kinds = {
  'price-anomaly': 'price anomaly',
  'tourism-surge': 'tourism surge',
  'project-risk': 'project risk',
} as const;

/** "grid G-0312 (Xinjiekou)", "Zhaodengyu (Xinjiekou)" or "Xinjiekou": the narrowest place named. */
function where(area: RiskWarningArea): string {
  const narrowest = area.grid ? `grid ${area.grid}` : area.community;
  return narrowest ? `${narrowest} (${area.street})` : area.street;
}

const yuan = (amount: number) => `${amount.toLocaleString('en-US')} yuan`;

export const drcSummaries: SummaryTable<DrcEvent> = {
  'drc.warning.issued.v1': (data) =>
    `DRC issued a ${data.level} ${kinds[data.kind]} warning for ${where(data.area)}: ${data.description}`,
  'drc.warning.re-leveled.v1': (data) =>
    `DRC ${data.direction} the warning from ${data.fromLevel} to ${data.toLevel}${data.reason ? `: ${data.reason}` : ''}`,
  'drc.warning.lifted.v1': (data) => `DRC lifted the warning: ${data.reason}`,
  'drc.project.proposed.v1': (data) =>
    `DRC livelihood project proposed: ${data.title} in grid ${data.location.grid}, budget ${yuan(data.budget)}`,
  'drc.project.approved.v1': (data) =>
    `DRC approved the livelihood project with a budget of ${yuan(data.approvedBudget)}`,
  'drc.project.rejected.v1': (data) => `DRC rejected the livelihood project: ${data.reason}`,
  'drc.project.funded.v1': (data) =>
    `DRC released tranche ${data.tranche} of ${yuan(data.amount)} to the livelihood project (${yuan(data.fundedTotal)} in all)`,
  'drc.project.completed.v1': (data) => `DRC completed the livelihood project: ${data.outcome}`,
};
