import type { IssueReported, SealedValue } from '@gridline/contracts';
import type { IssueEvent } from '../issues/issue.decider.js';
import { Open311Error } from './open311.errors.js';
import { DEMO_JURISDICTION } from './open311.jurisdiction.js';
import {
  issueRecord,
  parseRequestsQuery,
  selectRequests,
  toServiceRequest,
  type IssueRecord,
} from './open311.status.js';

const issueId = '0b6f3c1e-2a4d-4c3e-9f1a-1d2e3f4a5b6c';
const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const sealed: SealedValue = {
  alg: 'A256GCM',
  keyId: 'k1',
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'c2VhbGVk',
  tag: 'AAAA',
};

const reported: IssueReported = {
  type: 'street.issue.reported.v1',
  data: {
    issueId,
    caseId,
    source: 'resident-complaint',
    category: 'street-vending',
    location: {
      street: 'Xinjiekou',
      community: 'Zhaodengyu',
      grid: 'G-0312',
      description: 'school gate · 39.940100,116.367200',
    },
    description: 'Stalls block the gate\n\nMedia: https://media.example.cn/p/1.jpg',
    severity: 'medium',
    reportedBy: 'app-citizen-1',
    reportedAt: '2026-03-02T07:45:00.000Z',
    reporterContact: { dataSubjectId: 'c0ffee00-0000-4000-8000-000000000001', contact: sealed },
  },
};
const acknowledged: IssueEvent = {
  type: 'street.issue.acknowledged.v1',
  data: {
    issueId,
    caseId,
    acknowledgedBy: 'officer-5',
    acknowledgedAt: '2026-03-02T08:00:00.000Z',
  },
};
const noted: IssueEvent = {
  type: 'street.issue.note-added.v1',
  data: {
    issueId,
    caseId,
    noteId: 'a1a1a1a1-0000-4000-8000-000000000001',
    note: 'Talked to Mr Wang, the vendor',
    addedBy: 'officer-5',
    addedAt: '2026-03-02T09:00:00.000Z',
  },
};
const resolved: IssueEvent = {
  type: 'street.issue.resolved.v1',
  data: {
    issueId,
    caseId,
    outcome: 'remedied',
    summary: 'Mr Wang moved to the vending zone',
    resolvedBy: 'officer-5',
    resolvedAt: '2026-03-03T10:00:00.000Z',
  },
};

const record = (...events: IssueEvent[]) => issueRecord(events)!;

describe('our issue → GeoReport service request', () => {
  it('a new report is open, located at its grid’s centre, with no personal data', () => {
    const request = toServiceRequest(record(reported), DEMO_JURISDICTION);
    expect(request).toEqual({
      service_request_id: issueId,
      status: 'open',
      status_notes: 'Received: waiting for the street office to take it in hand.',
      service_name: 'Unlicensed street vending',
      service_code: 'street-vending',
      description: null,
      agency_responsible: 'Xinjiekou street office',
      service_notice: expect.any(String) as string,
      requested_datetime: '2026-03-02T07:45:00.000Z',
      updated_datetime: '2026-03-02T07:45:00.000Z',
      expected_datetime: null,
      address: 'Xinjiekou, Zhaodengyu, grid G-0312',
      address_id: 'G-0312',
      zipcode: null,
      lat: 39.94,
      long: 116.367,
      media_url: null,
    });
    // Not the reported point, not the contact, not the data subject.
    expect(JSON.stringify(request)).not.toMatch(/39\.9401|c0ffee00|c2VhbGVk|A256GCM/);
  });

  it('gives the app that filed it its own text and photo back, and nobody else', () => {
    const own = toServiceRequest(record(reported), DEMO_JURISDICTION, 'app-citizen-1');
    expect(own).toMatchObject({
      description: 'Stalls block the gate',
      media_url: 'https://media.example.cn/p/1.jpg',
    });
    const other = toServiceRequest(record(reported), DEMO_JURISDICTION, 'app-other');
    expect(other).toMatchObject({ description: null, media_url: null });
  });

  it('acknowledged is still open; resolved is closed with notes from the outcome, not staff text', () => {
    const inHand = toServiceRequest(record(reported, acknowledged, noted), DEMO_JURISDICTION);
    expect(inHand).toMatchObject({
      status: 'open',
      status_notes: 'In hand: the street office is dealing with it.',
      updated_datetime: '2026-03-02T09:00:00.000Z',
    });
    const closed = toServiceRequest(
      record(reported, acknowledged, noted, resolved),
      DEMO_JURISDICTION,
    );
    expect(closed).toMatchObject({
      status: 'closed',
      status_notes: 'Closed: the problem was remedied.',
      updated_datetime: '2026-03-03T10:00:00.000Z',
    });
    expect(JSON.stringify(closed)).not.toMatch(/Wang/);
  });

  it('a grid outside the map and a category outside the list still map', () => {
    const elsewhere: IssueEvent = {
      ...reported,
      data: {
        ...reported.data,
        category: 'e2e-vending',
        location: { ...reported.data.location, grid: 'G-9999' },
      },
    };
    expect(toServiceRequest(record(elsewhere), DEMO_JURISDICTION)).toMatchObject({
      service_code: 'e2e-vending',
      service_name: 'e2e-vending',
      lat: null,
      long: null,
    });
  });

  it('a stream without its report is no request', () => {
    expect(issueRecord([acknowledged])).toBeUndefined();
  });
});

describe('GET requests.json filters', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const status = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof Open311Error)
        return [error.getStatus(), JSON.stringify(error.getResponse())];
      throw error;
    }
    return [200, ''];
  };

  it('defaults to the last 90 days', () => {
    expect(parseRequestsQuery({}, now)).toEqual({
      kind: 'window',
      from: new Date('2026-03-03T00:00:00Z'),
      until: now,
    });
  });

  it('reads service_code and status comma lists, and a start date alone as 90 days from it', () => {
    expect(
      parseRequestsQuery(
        {
          service_code: 'noise,littering',
          status: 'open',
          start_date: '2026-05-01T00:00:00+08:00',
        },
        now,
      ),
    ).toEqual({
      kind: 'window',
      from: new Date('2026-04-30T16:00:00Z'),
      until: now,
      serviceCodes: ['noise', 'littering'],
      statuses: ['open'],
    });
  });

  it('service_request_id overrides everything else', () => {
    expect(
      parseRequestsQuery(
        { service_request_id: `${issueId.toUpperCase()},${issueId}`, status: 'bogus' },
        now,
      ),
    ).toEqual({ kind: 'ids', ids: [issueId] });
  });

  it.each([
    [{ start_date: '2026-05-01' }, /start_date: .*timezone/],
    [{ end_date: 'yesterday' }, /end_date/],
    [{ start_date: '2026-01-01T00:00:00Z', end_date: '2026-05-01T00:00:00Z' }, /at most 90 days/],
    [
      { start_date: '2026-05-02T00:00:00Z', end_date: '2026-05-01T00:00:00Z' },
      /start_date: must not be after/,
    ],
    [{ status: 'pending' }, /status: /],
    [{ service_request_id: '42' }, /service_request_id: /],
  ])('refuses %j with a 400 naming the parameter', (query, description) => {
    const [code, body] = status(() => parseRequestsQuery(query, now));
    expect(code).toBe(400);
    expect(body).toMatch(description);
  });

  it('selects by window, code and status, newest first', () => {
    const at = (id: string, when: string, category: string, ...more: IssueEvent[]): IssueRecord =>
      record(
        {
          ...reported,
          data: { ...reported.data, issueId: id, reportedAt: when, category },
        },
        ...more,
      );
    const a = at('a', '2026-05-01T00:00:00Z', 'noise');
    const b = at('b', '2026-05-03T00:00:00Z', 'noise', acknowledged, resolved);
    const c = at('c', '2026-05-02T00:00:00Z', 'littering');
    const old = at('d', '2026-01-01T00:00:00Z', 'noise');
    const window = parseRequestsQuery({}, now);
    expect(selectRequests([a, b, c, old], window).map((r) => r.issue.issueId)).toEqual([
      'b',
      'c',
      'a',
    ]);
    const openNoise = parseRequestsQuery({ service_code: 'noise', status: 'open' }, now);
    expect(selectRequests([a, b, c, old], openNoise).map((r) => r.issue.issueId)).toEqual(['a']);
    const closed = parseRequestsQuery({ status: 'closed' }, now);
    expect(selectRequests([a, b, c, old], closed).map((r) => r.issue.issueId)).toEqual(['b']);
  });
});
