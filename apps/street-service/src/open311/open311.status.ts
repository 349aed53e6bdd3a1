import type { IssueOutcome, IssueReported } from '@gridline/contracts';
import { fold } from '@gridline/eventsourcing';
import { issueDecider, type IssueEvent, type IssueState } from '../issues/issue.decider.js';
import { badField } from './open311.errors.js';
import { gridByCode, gridCentre, type Jurisdiction } from './open311.jurisdiction.js';
import { findService } from './open311.services.js';
import { splitMedia } from './open311.requests.js';

// Our issue → a GeoReport v2 service request, and the filters of GET requests.json. Pure.

type ExistingIssue = Exclude<IssueState, { status: 'none' }>;

/** An issue as the Open311 reads need it: the folded state plus the report's own text. */
export interface IssueRecord {
  readonly issue: ExistingIssue;
  readonly description: string;
  /** Who filed it: for an Open311 report, the reporting app's principal. */
  readonly reportedBy: string;
}

/** Folds one issue stream; undefined when it holds no report. */
export function issueRecord(
  events: readonly { type: string; data: unknown }[],
): IssueRecord | undefined {
  const issueEvents = events as readonly IssueEvent[];
  const issue = fold(issueDecider, issueEvents);
  const reported = issueEvents.find(
    (e): e is IssueReported => e.type === 'street.issue.reported.v1',
  );
  if (issue.status === 'none' || !reported) return undefined;
  return { issue, description: reported.data.description, reportedBy: reported.data.reportedBy };
}

/** A service request as GeoReport v2 returns it; null where we have nothing to say. */
export interface GeoReportServiceRequest {
  readonly service_request_id: string;
  readonly status: 'open' | 'closed';
  readonly status_notes: string;
  readonly service_name: string;
  readonly service_code: string;
  readonly description: string | null;
  readonly agency_responsible: string;
  readonly service_notice: string | null;
  readonly requested_datetime: string;
  readonly updated_datetime: string;
  readonly expected_datetime: string | null;
  readonly address: string;
  readonly address_id: string;
  readonly zipcode: string | null;
  readonly lat: number | null;
  readonly long: number | null;
  readonly media_url: string | null;
}

/** Reported and acknowledged issues are open; a resolved one is closed, whatever its outcome. */
export const open311Status = (issue: ExistingIssue): 'open' | 'closed' =>
  issue.status === 'resolved' ? 'closed' : 'open';

const OUTCOME_NOTES: Record<IssueOutcome, string> = {
  remedied: 'Closed: the problem was remedied.',
  referred: 'Closed: referred to the department responsible.',
  'no-action-needed': 'Closed: on inspection no action was needed.',
  'enforcement-started': 'Closed: enforcement proceedings were started.',
};

/**
 * Status notes are made from the stage and the outcome, never from the staff's
 * free text (notes and resolution summaries may name people).
 */
export function statusNotes(issue: ExistingIssue): string {
  if (issue.status === 'reported')
    return 'Received: waiting for the street office to take it in hand.';
  if (issue.status === 'acknowledged') return 'In hand: the street office is dealing with it.';
  return issue.outcome ? OUTCOME_NOTES[issue.outcome] : 'Closed.';
}

/** The latest thing that happened to the issue (report, acknowledgement, note, resolution). */
export function updatedAt(issue: ExistingIssue): string {
  const times = [
    issue.reportedAt,
    issue.acknowledgedAt,
    issue.resolvedAt,
    ...issue.notes.map((n) => n.addedAt),
  ];
  return times
    .filter((t): t is string => t !== undefined)
    .reduce((latest, t) => (Date.parse(t) > Date.parse(latest) ? t : latest));
}

export const SERVICE_NOTICE =
  'The street office acknowledges reports within one working day; follow the status here.';

/**
 * What a reader sees of an issue. Everyone: the service, stage, times and the
 * grid (address at grid level, lat/long at the grid's centre, not the reported
 * point). Only the app that filed the report (`viewerId` = its reporter) also
 * gets its own description and media link back. Never the reporter's contact.
 */
export function toServiceRequest(
  record: IssueRecord,
  jurisdiction: Jurisdiction,
  viewerId?: string,
): GeoReportServiceRequest {
  const { issue } = record;
  const { street, community, grid } = issue.location;
  const area = gridByCode(jurisdiction, grid);
  const centre = area ? gridCentre(area) : undefined;
  const own = viewerId !== undefined && viewerId === record.reportedBy;
  const text = own ? splitMedia(record.description) : undefined;
  return {
    service_request_id: issue.issueId,
    status: open311Status(issue),
    status_notes: statusNotes(issue),
    service_name: findService(issue.category)?.name ?? issue.category,
    service_code: issue.category,
    description: text?.description ?? null,
    agency_responsible: `${street} street office`,
    service_notice: SERVICE_NOTICE,
    requested_datetime: issue.reportedAt,
    updated_datetime: updatedAt(issue),
    // Issues carry no due time of their own (the coordinated case's deadlines are SWC's).
    expected_datetime: null,
    address: `${street}, ${community}, grid ${grid}`,
    address_id: grid,
    zipcode: null,
    lat: centre?.lat ?? null,
    long: centre?.long ?? null,
    media_url: text?.mediaUrl ?? null,
  };
}

// ─── GET requests.json filters ───────────────────────────────────────────────

export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 with a timezone, as the spec demands (`Z` or `±hh:mm`). */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export type RequestsFilter =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | {
      readonly kind: 'window';
      readonly from: Date;
      readonly until: Date;
      readonly serviceCodes?: readonly string[];
      readonly statuses?: readonly ('open' | 'closed')[];
    };

const QUERY_PARAMETERS = new Set([
  'jurisdiction_id',
  'api_key',
  'service_request_id',
  'service_code',
  'start_date',
  'end_date',
  'status',
]);

const commaList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function date(field: string, value: string): Date {
  const at = new Date(value);
  if (!DATETIME.test(value) || Number.isNaN(at.getTime()))
    throw badField(field, 'must be an ISO 8601 date-time with a timezone (2026-03-02T07:45:00Z)');
  return at;
}

/** Every query parameter a single plain string, and one we know (anything else is 400). */
export function plainQuery(query: Record<string, unknown>): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!QUERY_PARAMETERS.has(name)) throw badField(name, 'is not a parameter of this method');
    if (typeof value !== 'string') throw badField(name, 'must be a single plain value');
    plain[name] = value;
  }
  return plain;
}

/**
 * The filters of GET requests.json. service_request_id (comma list) overrides
 * every other filter. Otherwise requests reported between start_date and
 * end_date: 90 days back from now by default, never more than 90 days.
 */
export function parseRequestsQuery(query: Record<string, string>, now: Date): RequestsFilter {
  if (query['service_request_id'] !== undefined) {
    const ids = commaList(query['service_request_id']);
    const bad = ids.find((id) => !UUID.test(id));
    if (ids.length === 0 || bad !== undefined)
      throw badField(
        'service_request_id',
        `must be a comma list of request ids${bad ? ` (${bad})` : ''}`,
      );
    if (ids.length > MAX_REQUESTS)
      throw badField('service_request_id', `at most ${MAX_REQUESTS} ids`);
    return { kind: 'ids', ids: [...new Set(ids.map((id) => id.toLowerCase()))] };
  }
  const start =
    query['start_date'] !== undefined ? date('start_date', query['start_date']) : undefined;
  const end = query['end_date'] !== undefined ? date('end_date', query['end_date']) : undefined;
  const window = DEFAULT_WINDOW_DAYS * DAY_MS;
  const until = end ?? (start ? new Date(Math.min(start.getTime() + window, now.getTime())) : now);
  const from = start ?? new Date(until.getTime() - window);
  if (from > until) throw badField('start_date', 'must not be after end_date');
  if (until.getTime() - from.getTime() > window)
    throw badField('end_date', `the range may span at most ${DEFAULT_WINDOW_DAYS} days`);
  const statuses = query['status'] !== undefined ? commaList(query['status']) : undefined;
  const badStatus = statuses?.find((s) => s !== 'open' && s !== 'closed');
  if (badStatus !== undefined || statuses?.length === 0)
    throw badField('status', 'must be open, closed or both (comma list)');
  const serviceCodes =
    query['service_code'] !== undefined ? commaList(query['service_code']) : undefined;
  return {
    kind: 'window',
    from,
    until,
    ...(serviceCodes ? { serviceCodes } : {}),
    ...(statuses ? { statuses: statuses as ('open' | 'closed')[] } : {}),
  };
}

/** Applies a window filter to folded issues: newest first, at most 1000. */
export function selectRequests(
  records: readonly IssueRecord[],
  filter: RequestsFilter,
): IssueRecord[] {
  const chosen =
    filter.kind === 'ids'
      ? records.filter((r) => filter.ids.includes(r.issue.issueId))
      : records.filter((r) => {
          const at = Date.parse(r.issue.reportedAt);
          return (
            at >= filter.from.getTime() &&
            at <= filter.until.getTime() &&
            (!filter.serviceCodes || filter.serviceCodes.includes(r.issue.category)) &&
            (!filter.statuses || filter.statuses.includes(open311Status(r.issue)))
          );
        });
  return chosen
    .sort((a, b) => Date.parse(b.issue.reportedAt) - Date.parse(a.issue.reportedAt))
    .slice(0, MAX_REQUESTS);
}
