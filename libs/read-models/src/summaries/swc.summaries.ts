import type { SwcEvent } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

const origins = {
  'street-report': 'from a street report',
  'drc-warning': 'from a DRC risk warning',
  manual: 'manually',
} as const;

export const swcSummaries: SummaryTable<SwcEvent> = {
  'swc.case.opened.v1': (data) =>
    `SWC opened a coordinated case ${origins[data.origin]}: ${data.category}, severity ${data.severity}`,
};
