/** JSON Schema fragments shared by several event and command schemas. */
export const uuidSchema = { type: 'string', format: 'uuid' } as const;
export const isoTimeSchema = { type: 'string', format: 'date-time' } as const;
export const gridRefSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['street', 'community', 'grid'],
  properties: {
    street: { type: 'string', minLength: 1, maxLength: 64 },
    community: { type: 'string', minLength: 1, maxLength: 64 },
    grid: { type: 'string', pattern: '^[A-Z]-[0-9]{4}$' },
  },
} as const;
/** A grid reference plus a free-text place description ("school gate, north side"). */
export const placeSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...gridRefSchema.required, 'description'],
  properties: {
    ...gridRefSchema.properties,
    description: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;
export const severitySchema = { enum: ['low', 'medium', 'high', 'critical'] } as const;

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** Where a case is located: street office area, community, grid (e.g. G-0312). */
export interface GridRef {
  readonly street: string;
  readonly community: string;
  readonly grid: string;
}

export type Place = GridRef & { readonly description: string };
