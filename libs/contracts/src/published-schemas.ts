import { agencySource } from './agencies.js';
import { eventSchemas, isKnownEventType } from './catalogue.js';
import { parseWireName } from './wire-names.js';

/**
 * Where the gateway serves event schemas when nothing else is configured
 * (`SCHEMA_BASE_URL`): the local development gateway. A deployment sets the
 * gateway's public address, so every CloudEvent's `dataschema` can be fetched.
 */
export const DEFAULT_SCHEMA_BASE_URL = 'http://localhost:3000/api/schemas/';

/** The JSON Schema dialect of every event schema (the one ajv checks them with). */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** A base URL with exactly one trailing slash, so `new URL(name, base)` appends. */
export function normaliseSchemaBaseUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('must be an http or https URL');
  if (url.search || url.hash) throw new Error('must have no query or fragment');
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** The CloudEvents `dataschema` of an event type: where its JSON Schema is served. */
export function dataSchemaUri(type: string, base = DEFAULT_SCHEMA_BASE_URL): string {
  return new URL(encodeURIComponent(type), normaliseSchemaBaseUrl(base)).href;
}

/**
 * The JSON Schema of an event type's `data` as published: the contract's schema
 * with its dialect and an `$id` that is its `dataschema` address (the contracts'
 * own `$id`s are names, not addresses). Undefined for an unknown type.
 */
export function publishedEventSchema(
  type: string,
  base = DEFAULT_SCHEMA_BASE_URL,
): Record<string, unknown> | undefined {
  if (!isKnownEventType(type)) return undefined;
  const { $id: _name, ...schema } = eventSchemas[type] as Record<string, unknown>;
  return { $schema: JSON_SCHEMA_DIALECT, $id: dataSchemaUri(type, base), ...schema };
}

export interface PublishedSchemaEntry {
  /** The wire name: CloudEvents `type`. */
  readonly type: string;
  readonly agency: string;
  readonly version: number;
  /** CloudEvents `source` of events of this type. */
  readonly source: string;
  readonly dataschema: string;
  readonly title: string;
  readonly description: string;
}

/** Every event type with its schema address, sorted by wire name. */
export function publishedSchemaIndex(base = DEFAULT_SCHEMA_BASE_URL): PublishedSchemaEntry[] {
  return Object.keys(eventSchemas)
    .sort()
    .flatMap((type) => {
      const wire = parseWireName(type);
      if (!wire) return [];
      const schema = eventSchemas[type as keyof typeof eventSchemas] as {
        title?: string;
        description?: string;
      };
      return [
        {
          type,
          agency: wire.agency,
          version: wire.version,
          source: agencySource(wire.agency),
          dataschema: dataSchemaUri(type, base),
          title: schema.title ?? type,
          description: schema.description ?? '',
        },
      ];
    });
}
