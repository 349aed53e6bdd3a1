import type { Severity } from '@gridline/contracts';

/**
 * The issue categories residents may report through Open311, one GeoReport
 * "service" each. Issue categories are free slugs in our own API (grid workers
 * name what they find); a citizen app needs a closed list to show, so this is it.
 * The service code is the category itself, so a report filed here and one filed
 * by a grid worker in the same category are the same kind of issue.
 */
export interface Open311Service {
  /** The issue category (`^[a-z][a-z0-9-]{1,63}$`), used as `service_code`. */
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly group: string;
  readonly keywords: readonly string[];
  /** Open311 carries no severity; the street office's default for the category. */
  readonly severity: Severity;
}

export const OPEN311_SERVICES: readonly Open311Service[] = [
  {
    code: 'street-vending',
    name: 'Unlicensed street vending',
    description: 'A stall or vendor trading without a licence, or outside a designated zone.',
    group: 'City appearance',
    keywords: ['vendor', 'stall', 'hawker'],
    severity: 'medium',
  },
  {
    code: 'littering',
    name: 'Litter and dumped waste',
    description: 'Rubbish left in a public place, overflowing bins, dumped bulky waste.',
    group: 'Environment and sanitation',
    keywords: ['rubbish', 'garbage', 'waste', 'bins'],
    severity: 'low',
  },
  {
    code: 'illegal-parking',
    name: 'Illegal parking',
    description: 'A vehicle blocking a pavement, fire lane, entrance or crossing.',
    group: 'Traffic and parking',
    keywords: ['car', 'vehicle', 'pavement', 'blocked'],
    severity: 'medium',
  },
  {
    code: 'noise',
    name: 'Noise nuisance',
    description: 'Persistent noise from building work, shops or loudspeakers.',
    group: 'Neighbourhood peace',
    keywords: ['noise', 'loud', 'construction', 'music'],
    severity: 'low',
  },
  {
    code: 'road-damage',
    name: 'Damaged road or pavement',
    description: 'Potholes, broken paving, missing drain covers.',
    group: 'Roads and facilities',
    keywords: ['pothole', 'pavement', 'drain', 'road'],
    severity: 'medium',
  },
];

export const findService = (code: string): Open311Service | undefined =>
  OPEN311_SERVICES.find((service) => service.code === code);

/** An entry of `GET services.json`, field names as GeoReport v2 spells them. */
export interface GeoReportService {
  readonly service_code: string;
  readonly service_name: string;
  readonly description: string;
  readonly metadata: boolean;
  readonly type: 'realtime' | 'batch' | 'blackbox';
  readonly keywords: string;
  readonly group: string;
}

/**
 * Every service is `realtime` (the report becomes an issue at once, so the
 * answer carries its id) and has no extra attributes (`metadata: false`): the
 * location travels in lat/long or address_id, not in attributes.
 */
export function toGeoReportService(service: Open311Service): GeoReportService {
  return {
    service_code: service.code,
    service_name: service.name,
    description: service.description,
    metadata: false,
    type: 'realtime',
    keywords: service.keywords.join(', '),
    group: service.group,
  };
}
