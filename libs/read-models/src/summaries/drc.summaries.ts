import type { DrcEvent } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

export const drcSummaries: SummaryTable<DrcEvent> = {};
