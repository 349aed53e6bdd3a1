import { Open311Error } from './open311.errors.js';
import {
  DEMO_JURISDICTION,
  gridAt,
  gridCentre,
  parseJurisdiction,
} from './open311.jurisdiction.js';
import { joinMedia, splitMedia, toReportIssue } from './open311.requests.js';
import { OPEN311_SERVICES, toGeoReportService } from './open311.services.js';

/** The GeoReport errors a mapping throws: status and descriptions. */
function refusal(run: () => unknown): { status: number; descriptions: string[] } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof Open311Error)) throw error;
    const body = error.getResponse() as { code: number; description: string }[];
    expect(body.every((e) => e.code === error.getStatus())).toBe(true);
    return { status: error.getStatus(), descriptions: body.map((e) => e.description) };
  }
  throw new Error('expected an Open311Error');
}

// A typical client's form, as express parses it (every value text).
const form = {
  api_key: 'the-key',
  jurisdiction_id: 'xinjiekou.gridline.example',
  service_code: 'street-vending',
  lat: '39.9401',
  long: '116.3672',
  address_string: 'Xinjiekou N. St. 12, school gate',
  email: 'li.lei@example.cn',
  first_name: 'Lei',
  last_name: 'Li',
  phone: '+86 138 0000 0000',
  device_id: 'device-7',
  account_id: 'acct-42',
  description: 'Stalls block the school gate at pick-up time',
  media_url: 'https://media.example.cn/p/1.jpg',
};

describe('Open311 POST requests.json → report-issue body', () => {
  it('maps a typical form: category, grid found by the point, sealed-to-be contact', () => {
    const { report, accountId } = toReportIssue(form, DEMO_JURISDICTION);
    expect(report).toEqual({
      source: 'resident-complaint',
      category: 'street-vending',
      location: {
        street: 'Xinjiekou',
        community: 'Zhaodengyu',
        grid: 'G-0312',
        description: 'Xinjiekou N. St. 12, school gate · 39.940100,116.367200',
      },
      description:
        'Stalls block the school gate at pick-up time\n\nMedia: https://media.example.cn/p/1.jpg',
      severity: 'medium',
      reporterContact: 'Lei Li, li.lei@example.cn, +86 138 0000 0000',
    });
    expect(accountId).toBe('acct-42');
    // Identifiers the answer does not need are not kept anywhere.
    expect(JSON.stringify(report)).not.toMatch(/device-7|acct-42|the-key/);
  });

  it('accepts JSON with numbers and attribute-less bodies; address_id names the grid', () => {
    const { report, accountId } = toReportIssue(
      { service_code: 'noise', address_id: 'G-0320', phone: '13800000000' },
      DEMO_JURISDICTION,
    );
    expect(report).toMatchObject({
      category: 'noise',
      severity: 'low',
      location: {
        street: 'Xinjiekou',
        community: 'Qianzi',
        grid: 'G-0320',
        description: 'grid G-0320',
      },
      description: 'Noise nuisance',
      reporterContact: '13800000000',
    });
    expect(accountId).toBeNull();
    expect(
      toReportIssue(
        { service_code: 'noise', lat: 39.9401, long: 116.3672, email: 'a@b.cn' },
        DEMO_JURISDICTION,
      ).report.location.grid,
    ).toBe('G-0312');
  });

  it.each([
    ['service_code missing', { ...form, service_code: undefined }, 400, /^service_code: /],
    [
      'service_code unknown',
      { ...form, service_code: 'potholes' },
      400,
      /^service_code: potholes is not a service/,
    ],
    ['no location', { service_code: 'noise', email: 'a@b.cn' }, 400, /a location is required/],
    ['lat not a number', { ...form, lat: 'north' }, 400, /^lat: /],
    [
      'lat out of range',
      { ...form, lat: '95.5' },
      400,
      /^lat: must be a number between -90 and 90/,
    ],
    ['lat without long', { ...form, long: undefined }, 400, /^long: lat and long come together/],
    [
      'a point outside every grid',
      { ...form, lat: '31.23', long: '121.47' },
      400,
      /^lat: .*outside every grid/,
    ],
    [
      'an address alone (no geocoder)',
      { ...form, lat: undefined, long: undefined },
      400,
      /^address_string: /,
    ],
    ['an unknown grid', { ...form, address_id: 'G-9999' }, 400, /^address_id: /],
    [
      'no e-mail nor phone',
      { ...form, email: undefined, phone: undefined },
      400,
      /^email: .*required/,
    ],
    ['a bad e-mail', { ...form, email: 'not-an-address' }, 400, /^email: /],
    ['media not http(s)', { ...form, media_url: 'javascript:alert(1)' }, 400, /^media_url: /],
    ['an unknown field', { ...form, priority: 'high' }, 400, /^priority: is not allowed/],
    [
      'an attribute no service has',
      { ...form, 'attribute[grid]': 'G-0312' },
      400,
      /^attribute\[grid\]: /,
    ],
    [
      'a repeated field',
      { ...form, service_code: ['noise', 'littering'] },
      400,
      /^service_code: must be a single plain value/,
    ],
    ['another jurisdiction', { ...form, jurisdiction_id: 'sf.gov' }, 404, /^jurisdiction_id: /],
  ])('refuses %s, naming the field', (_, body, status, description) => {
    const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const refused = refusal(() => toReportIssue(clean, DEMO_JURISDICTION));
    expect(refused.status).toBe(status);
    expect(refused.descriptions.some((d) => description.test(d))).toBe(true);
  });

  it('names every bad field at once', () => {
    const { descriptions } = refusal(() =>
      toReportIssue(
        { service_code: 'noise', lat: 'x', long: 'y', email: 'nope' },
        DEMO_JURISDICTION,
      ),
    );
    expect(descriptions.map((d) => d.split(':')[0])).toEqual(
      expect.arrayContaining(['lat', 'long', 'email']),
    );
  });

  it('keeps the media link in the issue text and gets it back', () => {
    const text = joinMedia('Broken drain cover', 'https://m.example.cn/x.jpg');
    expect(splitMedia(text)).toEqual({
      description: 'Broken drain cover',
      mediaUrl: 'https://m.example.cn/x.jpg',
    });
    expect(splitMedia('Media: none here')).toEqual({
      description: 'Media: none here',
      mediaUrl: null,
    });
  });
});

describe('Open311 services and the grid map', () => {
  it('lists each service as GeoReport spells it', () => {
    expect(toGeoReportService(OPEN311_SERVICES[0]!)).toEqual({
      service_code: 'street-vending',
      service_name: 'Unlicensed street vending',
      description: expect.any(String) as string,
      metadata: false,
      type: 'realtime',
      keywords: 'vendor, stall, hawker',
      group: 'City appearance',
    });
    // Service codes are issue categories: they must pass our own category rule.
    for (const s of OPEN311_SERVICES) expect(s.code).toMatch(/^[a-z][a-z0-9-]{1,63}$/);
  });

  it('finds a point’s grid and shows a grid by its centre', () => {
    expect(gridAt(DEMO_JURISDICTION, 39.9401, 116.3672)?.grid).toBe('G-0312');
    expect(gridAt(DEMO_JURISDICTION, 39.944, 116.37)?.grid).toBe('G-0320');
    expect(gridAt(DEMO_JURISDICTION, 0, 0)).toBeUndefined();
    expect(gridCentre(DEMO_JURISDICTION.grids[0]!)).toEqual({ lat: 39.94, long: 116.367 });
  });

  it('checks a jurisdiction file', () => {
    expect(parseJurisdiction(JSON.parse(JSON.stringify(DEMO_JURISDICTION)))).toEqual(
      DEMO_JURISDICTION,
    );
    const grid = {
      street: 'S',
      community: 'C',
      grid: 'G-0001',
      south: 1,
      west: 1,
      north: 2,
      east: 2,
    };
    expect(() => parseJurisdiction({ id: 'j', grids: [grid, grid] })).toThrow(/appears twice/);
    expect(() => parseJurisdiction({ id: 'j', grids: [{ ...grid, north: 0 }] })).toThrow(
      /south < north/,
    );
    expect(() => parseJurisdiction({ id: 'j', grids: [{ ...grid, grid: 'x' }] })).toThrow(/grid/);
  });
});
