import type { StreetEvent } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

export const streetSummaries: SummaryTable<StreetEvent> = {
  'street.issue.reported.v1': (data) => {
    const by =
      data.source === 'resident-complaint' ? 'from a resident complaint' : 'by a grid worker';
    return `Issue reported ${by} in grid ${data.location.grid} (${data.location.street}): ${data.category}, severity ${data.severity}`;
  },
};
