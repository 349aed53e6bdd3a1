import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  grantCredential,
  client,
  createTestIdentity,
  startApps,
  stopApps,
  testInfra,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

/**
 * Open311 GeoReport v2 on the street service, driven by recorded client
 * requests (test/e2e/fixtures/open311/*.http): a citizen app files a report
 * form-encoded, reads the service list and its reports; bad input is a 400
 * GeoReport error that stores nothing; without a reporting-app key nothing is
 * filed; closing the issue through our own API closes the request.
 */

const fixtures = path.join(import.meta.dirname, 'fixtures', 'open311');

interface RecordedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One raw HTTP request from a fixture, `{{name}}` placeholders filled in. */
function recorded(name: string, values: Record<string, string> = {}): RecordedRequest {
  const raw = readFileSync(path.join(fixtures, name), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${name}: no value for {{${key}}}`);
      return value;
    },
  );
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const [method = '', target = ''] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const at = line.indexOf(':');
    const header = line.slice(0, at).trim().toLowerCase();
    // The test server is not the recorded host; fetch sets these itself.
    if (header !== 'host' && header !== 'content-length')
      headers[header] = line.slice(at + 1).trim();
  }
  const body = rest.join('\n\n').trim();
  return { method, target, headers, ...(body ? { body } : {}) };
}

interface Replayed {
  readonly status: number;
  readonly body: unknown;
  readonly contentType: string;
}

async function replay(baseUrl: string, request: RecordedRequest): Promise<Replayed> {
  const response = await fetch(`${baseUrl}${request.target}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
    contentType: response.headers.get('content-type') ?? '',
  };
}

type JsonType = 'string' | 'number' | 'boolean' | 'null';
type Shapes = Record<
  'service' | 'created' | 'service_request' | 'error',
  Record<string, JsonType[]>
> & {
  enums: { type: string[]; status: string[] };
};
const shapes = JSON.parse(
  readFileSync(path.join(fixtures, 'georeport-v2-shapes.json'), 'utf8'),
) as Shapes;

const jsonType = (value: unknown): string => (value === null ? 'null' : typeof value);

/** Every field the spec gives the shape is there with one of its types (an array of them). */
function expectShape(body: unknown, shape: keyof Omit<Shapes, 'enums'>): Record<string, unknown>[] {
  expect(Array.isArray(body)).toBe(true);
  const items = body as Record<string, unknown>[];
  for (const item of items)
    for (const [field, types] of Object.entries(shapes[shape]))
      expect({ field, type: types.includes(jsonType(item[field]) as JsonType) }).toEqual({
        field,
        type: true,
      });
  return items;
}

describe('Open311 GeoReport v2 on the street service', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let db: pg.Pool;
  let streetUrl = '';
  let appKey = '';
  let officer: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let streetOf: (token: string) => ReturnType<typeof client>;
  let workerToken = '';
  // The reporting app's own account: events it records are counted by its id.
  const appId = `citizen-app-${randomBytes(4).toString('hex')}`;
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  let filed = '';
  let filedJson = '';

  const eventsByApp = async () => {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM gridline_events WHERE metadata->'actor'->>'id' = $1`,
      [appId],
    );
    return Number(rows[0]?.n ?? 0);
  };

  beforeAll(async () => {
    const identity = createTestIdentity();
    apps = await startApps(identity, { basePort: 15311 });
    streetUrl = apps.get('street-service')?.url ?? '';
    streetOf = (token) => client(streetUrl, token);
    appKey = await identity.token({ sub: appId, agency: 'street', roles: ['reporting-app'] });
    workerToken = await identity.token({
      sub: 'worker-17',
      agency: 'street',
      roles: ['grid-worker'],
    });
    officer = streetOf(
      await identity.token({ sub: 'officer-5', agency: 'street', roles: ['officer'] }),
    );
    admin = streetOf(await identity.token({ sub: 'admin-1', agency: 'street', roles: ['admin'] }));
    await grantCredential(admin, 'officer-5');
    db = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await stopApps(apps);
  });

  it('lists the services; a service without attributes has no definition (404)', async () => {
    const services = await replay(streetUrl, recorded('get-services.http'));
    expect(services.status).toBe(200);
    expect(services.contentType).toMatch(/^application\/json/);
    const list = expectShape(services.body, 'service');
    expect(list.map((s) => s['service_code'])).toEqual(
      expect.arrayContaining(['street-vending', 'littering', 'noise']),
    );
    for (const s of list) {
      expect(shapes.enums.type).toContain(s['type']);
      expect(s['metadata']).toBe(false);
    }

    const definition = await replay(streetUrl, recorded('get-service-definition.http'));
    expect(definition.status).toBe(404);
    expectShape(definition.body, 'error');
  });

  it('files a form-encoded report as a typical client sends it; the contact is sealed', async () => {
    const before = await eventsByApp();
    const created = await replay(streetUrl, recorded('post-request.http', { api_key: appKey }));
    expect(created.status).toBe(201);
    const [answer] = expectShape(created.body, 'created');
    expect(answer).toMatchObject({ account_id: 'citizen-8812' });
    filed = String(answer?.['service_request_id']);
    expect(await eventsByApp()).toBe(before + 1);

    // Our own API sees it as a resident complaint in the grid the point lies in.
    const issue = await officer.get(`/api/issues/${filed}`);
    expect(issue.body).toMatchObject({
      status: 'reported',
      source: 'resident-complaint',
      category: 'street-vending',
      location: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' },
    });
    expect(issue.body['reporterSubjectId']).toEqual(expect.any(String));

    // Stored sealed, as POST /api/issues stores a contact: never in clear.
    const { rows } = await db.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM gridline_events WHERE stream_id = $1`,
      [`street-issue-${filed}`],
    );
    const stored = JSON.stringify(rows);
    expect(stored).toContain('"alg":"A256GCM"');
    expect(stored).not.toMatch(/li\.lei|138 0000|Lei Li|citizen-8812|5f2b9c1e/);

    // The same request as JSON with a bearer key (a kiosk).
    const json = await replay(streetUrl, recorded('post-request-json.http', { api_key: appKey }));
    expect(json.status).toBe(201);
    filedJson = String(expectShape(json.body, 'created')[0]?.['service_request_id']);
  });

  it('answers reads in GeoReport shape, without personal data', async () => {
    const one = await replay(
      streetUrl,
      recorded('get-request.http', { service_request_id: filed }),
    );
    expect(one.status).toBe(200);
    const [request] = expectShape(one.body, 'service_request');
    expect(request).toMatchObject({
      service_request_id: filed,
      status: 'open',
      service_code: 'street-vending',
      agency_responsible: 'Xinjiekou street office',
      address_id: 'G-0312',
      // The grid's centre, not the reported point.
      lat: 39.94,
      long: 116.367,
      // Anonymous readers get no free text.
      description: null,
      media_url: null,
    });

    const filtered = await replay(
      streetUrl,
      recorded('get-requests-filtered.http', {
        start_date: startedAt,
        end_date: new Date(Date.now() + 600_000).toISOString(),
      }),
    );
    expect(filtered.status).toBe(200);
    const list = expectShape(filtered.body, 'service_request');
    const ids = list.map((r) => r['service_request_id']);
    expect(ids).toEqual(expect.arrayContaining([filed, filedJson]));
    for (const r of list) {
      expect(['street-vending', 'littering']).toContain(r['service_code']);
      expect(r['status']).toBe('open');
    }

    const byId = await replay(
      streetUrl,
      recorded('get-requests-by-id.http', {
        service_request_id: filed,
        other_request_id: filedJson,
      }),
    );
    expect(
      expectShape(byId.body, 'service_request')
        .map((r) => r['service_request_id'])
        .sort(),
    ).toEqual([filed, filedJson].sort());

    const everything = JSON.stringify([one.body, filtered.body, byId.body]);
    expect(everything).not.toMatch(/li\.lei|138 0000|Lei|13800000000|citizen-8812|39\.940123/);

    // The app that filed the report reads its own text and photo back, with its key.
    const own = await fetch(`${streetUrl}/open311/v2/requests/${filed}.json`, {
      headers: { authorization: `Bearer ${appKey}` },
    });
    expect(await own.json()).toMatchObject([
      {
        description: 'Three stalls block the school gate at pick-up time',
        media_url: 'https://media.citizen-reporter.example/r/8812-1.jpg',
      },
    ]);
  });

  it.each([
    ['post-missing-service-code.http', /^service_code: /],
    ['post-unknown-service-code.http', /^service_code: pothole-001 is not a service/],
    ['post-no-location.http', /a location is required/],
    ['post-bad-lat.http', /^lat: /],
  ])(
    '%s: 400 with a GeoReport error naming the field, nothing stored',
    async (name, description) => {
      const before = await eventsByApp();
      const refused = await replay(streetUrl, recorded(name, { api_key: appKey }));
      expect(refused.status).toBe(400);
      const errors = expectShape(refused.body, 'error');
      expect(errors.every((e) => e['code'] === 400)).toBe(true);
      expect(errors.map((e) => String(e['description']))).toEqual(
        expect.arrayContaining([expect.stringMatching(description)]),
      );
      expect(await eventsByApp()).toBe(before);
    },
  );

  it('files nothing without a reporting-app key: 401 without or with a bad one, 403 for staff', async () => {
    const before = await eventsByApp();
    const none = await replay(streetUrl, recorded('post-without-key.http'));
    expect(none.status).toBe(401);
    expectShape(none.body, 'error');

    const forged = await replay(streetUrl, recorded('post-request.http', { api_key: 'not.a.jwt' }));
    expect(forged.status).toBe(401);
    expectShape(forged.body, 'error');

    const staff = await replay(streetUrl, recorded('post-request.http', { api_key: workerToken }));
    expect(staff.status).toBe(403);
    expect(expectShape(staff.body, 'error')[0]?.['description']).toMatch(/reporting-app/);

    expect(await eventsByApp()).toBe(before);
    // ...and a reporting app has no business in our own API.
    expect((await streetOf(appKey).post('/api/issues', {})).status).toBe(403);
  });

  it('a report closes when the street office resolves the issue through its own API', async () => {
    expect((await officer.post(`/api/issues/${filed}/acknowledge`)).status).toBe(201);
    const inHand = await replay(
      streetUrl,
      recorded('get-request.http', { service_request_id: filed }),
    );
    expect(inHand.body).toMatchObject([
      { status: 'open', status_notes: 'In hand: the street office is dealing with it.' },
    ]);

    const resolved = await officer.post(`/api/issues/${filed}/resolve`, {
      outcome: 'remedied',
      summary: 'Vendors moved to the designated zone',
    });
    expect(resolved.status).toBe(201);
    const closed = await replay(
      streetUrl,
      recorded('get-request.http', { service_request_id: filed }),
    );
    const [request] = expectShape(closed.body, 'service_request');
    expect(request).toMatchObject({
      status: 'closed',
      status_notes: 'Closed: the problem was remedied.',
    });
    expect(Date.parse(String(request?.['updated_datetime']))).toBeGreaterThan(
      Date.parse(String(request?.['requested_datetime'])),
    );

    // The open filter no longer lists it; the closed one does.
    const window = {
      start_date: startedAt,
      end_date: new Date(Date.now() + 600_000).toISOString(),
    };
    const open = await replay(streetUrl, recorded('get-requests-filtered.http', window));
    expect(
      (open.body as { service_request_id: string }[]).map((r) => r.service_request_id),
    ).not.toContain(filed);
    const closedOnes = await fetch(
      `${streetUrl}/open311/v2/requests.json?status=closed&start_date=${encodeURIComponent(startedAt)}`,
    );
    expect(
      ((await closedOnes.json()) as { service_request_id: string }[]).map(
        (r) => r.service_request_id,
      ),
    ).toContain(filed);

    // The reporter is a data subject of their own: the admin can erase them, as for any complaint.
    const erased = await admin.post(`/api/issues/${filed}/reporter-erasure`, {
      reason: 'the resident asked to be forgotten',
    });
    expect(erased.status).toBe(201);
  });

  it('refuses bad read parameters with a GeoReport 400, and an unknown request with 404', async () => {
    const bad = await fetch(`${streetUrl}/open311/v2/requests.json?start_date=last-week`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual([
      { code: 400, description: expect.stringMatching(/^start_date: /) as string },
    ]);
    const unknown = await fetch(
      `${streetUrl}/open311/v2/requests/00000000-0000-4000-8000-000000000000.json`,
    );
    expect(unknown.status).toBe(404);
    expectShape(await unknown.json(), 'error');
  });
});
