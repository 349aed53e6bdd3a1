import { isEventOfType, type EventEnvelope } from '@gridline/contracts';

/** One readable line per timeline entry, for coordinators. */
export function summarize(event: EventEnvelope): string {
  if (isEventOfType(event, 'street.issue.reported.v1')) {
    const { data } = event;
    const by =
      data.source === 'resident-complaint' ? 'from a resident complaint' : 'by a grid worker';
    return `Issue reported ${by} in grid ${data.location.grid} (${data.location.street}): ${data.category}, severity ${data.severity}`;
  }
  if (isEventOfType(event, 'swc.case.opened.v1')) {
    const { data } = event;
    const from = {
      'street-report': 'from a street report',
      'drc-warning': 'from a DRC risk warning',
      manual: 'manually',
    }[data.origin];
    return `SWC opened a coordinated case ${from}: ${data.category}, severity ${data.severity}`;
  }
  return event.type;
}
