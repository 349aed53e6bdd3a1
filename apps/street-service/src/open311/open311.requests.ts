import { createSchemaValidator, describeSchemaErrors } from '@gridline/contracts';
import { reportIssueBodySchema, type ReportIssueBody } from '../issues/report-issue.command.js';
import { badField, Open311Error } from './open311.errors.js';
import { gridAt, gridByCode, type GridArea, type Jurisdiction } from './open311.jurisdiction.js';
import { findService } from './open311.services.js';

// POST requests.json → our report-issue command body. Pure: no I/O, no clock.

/** The GeoReport v2 fields of a new service request, all as the form sends them: text. */
export const serviceRequestFieldsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service_code'],
  properties: {
    jurisdiction_id: { type: 'string', minLength: 1, maxLength: 200 },
    service_code: { type: 'string', minLength: 1, maxLength: 64 },
    lat: { type: 'string', pattern: '^-?[0-9]{1,3}(\\.[0-9]{1,12})?$' },
    long: { type: 'string', pattern: '^-?[0-9]{1,3}(\\.[0-9]{1,12})?$' },
    address_string: { type: 'string', minLength: 1, maxLength: 150 },
    address_id: { type: 'string', minLength: 1, maxLength: 64 },
    email: { type: 'string', format: 'email', maxLength: 80 },
    device_id: { type: 'string', minLength: 1, maxLength: 100 },
    account_id: { type: 'string', minLength: 1, maxLength: 100 },
    first_name: { type: 'string', minLength: 1, maxLength: 40 },
    last_name: { type: 'string', minLength: 1, maxLength: 40 },
    phone: { type: 'string', pattern: '^[+0-9][0-9 ()-]{2,29}$' },
    description: { type: 'string', minLength: 1, maxLength: 1800 },
    media_url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 180 },
  },
} as const;

type FieldName = keyof (typeof serviceRequestFieldsSchema)['properties'];
export type ServiceRequestFields = { readonly service_code: string } & Partial<
  Record<FieldName, string>
>;

const ajv = createSchemaValidator();
const validateFields = ajv.compile<ServiceRequestFields>(serviceRequestFieldsSchema);
const validateReport = ajv.compile<ReportIssueBody>(reportIssueBodySchema);

/** What a POST becomes: the body our own report endpoint takes, and what to echo back. */
export interface MappedServiceRequest {
  readonly report: ReportIssueBody;
  readonly accountId: string | null;
}

const ATTRIBUTE = /^attribute\[(.+)\]$/;

/**
 * Flattens a form or JSON body to text fields plus `attribute[code]` values.
 * The api_key is the guard's, not a field. A value that is not one plain
 * string or number (a repeated field, an object) is refused, naming it.
 */
export function flattenFields(raw: unknown): {
  fields: Record<string, string>;
  attributes: Record<string, string>;
} {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Open311Error(400, 'the body must be form fields (or a JSON object)');
  const fields: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  const text = (name: string, value: unknown): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    throw badField(name, 'must be a single plain value');
  };
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === 'api_key') continue;
    const attribute = ATTRIBUTE.exec(name)?.[1];
    if (attribute) attributes[attribute] = text(name, value);
    else if (name === 'attribute' && value !== null && typeof value === 'object')
      // Form bodies arrive parsed (`attribute[x]=1` → `{ attribute: { x: '1' } }`).
      for (const [code, v] of Object.entries(value as Record<string, unknown>))
        attributes[code] = text(`attribute[${code}]`, v);
    else fields[name] = text(name, value);
  }
  return { fields, attributes };
}

function parseDegrees(field: 'lat' | 'long', value: string, limit: number): number {
  const degrees = Number(value);
  if (!Number.isFinite(degrees) || Math.abs(degrees) > limit)
    throw badField(field, `must be a number between -${limit} and ${limit}`);
  return degrees;
}

/**
 * The grid of the report. `address_id` is our addressing system's id, the grid
 * code (G-0312); otherwise the point (lat/long) is looked up in the grid map.
 * An address alone cannot be placed (there is no geocoder here): 400.
 */
export function locate(
  fields: ServiceRequestFields,
  jurisdiction: Jurisdiction,
): { readonly area: GridArea; readonly point?: { lat: number; long: number } } {
  const { lat, long, address_id: addressId, address_string: address } = fields;
  if (lat === undefined && long === undefined && !addressId && !address)
    throw new Open311Error(
      400,
      'lat/long, address_string or address_id: a location is required (lat and long, or address_id)',
    );
  if ((lat === undefined) !== (long === undefined))
    throw badField(lat === undefined ? 'lat' : 'long', 'lat and long come together');
  const point =
    lat !== undefined && long !== undefined
      ? { lat: parseDegrees('lat', lat, 90), long: parseDegrees('long', long, 180) }
      : undefined;
  if (addressId) {
    const area = gridByCode(jurisdiction, addressId);
    if (!area) throw badField('address_id', `is not a grid of ${jurisdiction.id} (e.g. G-0312)`);
    return point ? { area, point } : { area };
  }
  if (!point)
    throw badField(
      'address_string',
      'cannot be placed in a grid on its own: send lat and long, or address_id (the grid code)',
    );
  const area = gridAt(jurisdiction, point.lat, point.long);
  if (!area) throw badField('lat', `lat/long lies outside every grid of ${jurisdiction.id}`);
  return { area, point };
}

const MEDIA = '\n\nMedia: ';

/** The photo link goes into the issue's text (the event has no field for it), marked. */
export const joinMedia = (description: string, mediaUrl?: string) =>
  mediaUrl ? `${description}${MEDIA}${mediaUrl}` : description;

/** Splits what `joinMedia` joined; a text without the mark has no media. */
export function splitMedia(text: string): { description: string; mediaUrl: string | null } {
  const at = text.lastIndexOf(MEDIA);
  const url = at >= 0 ? text.slice(at + MEDIA.length) : '';
  if (!/^https?:\/\/\S+$/.test(url)) return { description: text, mediaUrl: null };
  return { description: text.slice(0, at), mediaUrl: url };
}

/**
 * How to answer the resident: name, e-mail, phone, in one line. It is sealed by
 * the report handler under the reporter's own key; device_id and account_id are
 * not kept at all (they identify a person and answering does not need them).
 */
export function contactLine(fields: ServiceRequestFields): string | undefined {
  const name = [fields.first_name, fields.last_name].filter(Boolean).join(' ');
  const line = [name, fields.email, fields.phone].filter(Boolean).join(', ');
  return fields.email || fields.phone ? line : undefined;
}

/**
 * Maps a GeoReport POST onto our report-issue body: service_code → category,
 * the point or grid code → the grid (street, community, grid), address and
 * point → the place's description, contact → sealed `reporterContact`. Every
 * refusal is a 400 (404 for another jurisdiction) naming the field.
 */
export function toReportIssue(raw: unknown, jurisdiction: Jurisdiction): MappedServiceRequest {
  const { fields: flat, attributes } = flattenFields(raw);
  if (!validateFields(flat))
    throw new Open311Error(
      400,
      describeSchemaErrors(validateFields.errors).map(
        (p) => `${p.path.replace(/^\//, '') || 'body'}: ${p.message}`,
      ),
    );
  const fields = flat;
  if (fields.jurisdiction_id && fields.jurisdiction_id !== jurisdiction.id)
    throw new Open311Error(404, `jurisdiction_id: ${fields.jurisdiction_id} is not served here`);
  const service = findService(fields.service_code);
  if (!service) throw badField('service_code', `${fields.service_code} is not a service here`);
  const unknownAttribute = Object.keys(attributes)[0];
  if (unknownAttribute !== undefined)
    throw badField(`attribute[${unknownAttribute}]`, `is not an attribute of ${service.code}`);
  const { area, point } = locate(fields, jurisdiction);
  const reporterContact = contactLine(fields);
  // A resident complaint is answered (the issue decider's rule): no contact, no complaint.
  if (!reporterContact)
    throw badField('email', 'an e-mail address or a phone number is required to answer the report');
  const where = [
    fields.address_string,
    point ? `${point.lat.toFixed(6)},${point.long.toFixed(6)}` : undefined,
  ].filter(Boolean);
  const report: ReportIssueBody = {
    source: 'resident-complaint',
    category: service.code,
    location: {
      street: area.street,
      community: area.community,
      grid: area.grid,
      description: where.length > 0 ? where.join(' · ') : `grid ${area.grid}`,
    },
    description: joinMedia(fields.description ?? service.name, fields.media_url),
    severity: service.severity,
    reporterContact,
  };
  // The same schema our own endpoint checks: this door lets through nothing that one would not.
  if (!validateReport(report))
    throw new Open311Error(
      400,
      describeSchemaErrors(validateReport.errors).map((p) => `${p.path}: ${p.message}`),
    );
  return { report, accountId: fields.account_id ?? null };
}
