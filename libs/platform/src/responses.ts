// JSON Schemas of answers many routes share (RouteDocs.response): the OpenAPI
// documents carry them, and the console's client is generated from those.

import { uuidSchema } from '@gridline/contracts';

/** An object whose shape the route does not pin down (a JSON Schema, an AsyncAPI document). */
export const anyObjectSchema = (description: string) =>
  ({ type: 'object', additionalProperties: true, description }) as const;

/** A body that is not JSON (metrics, a stream): its media type and a string schema. */
export const textResponse = (mediaType: string, description: string) =>
  ({ mediaType, schema: { type: 'string', description } }) as const;

/**
 * What a command answers: the ids of the events it recorded, the stream's
 * revision after them, and the ids of what it created (`ids`, each a UUID
 * unless its schema is given).
 */
export function commandResultSchema(
  ids: Readonly<Record<string, object>> = {},
  options: { readonly revision?: object; readonly events?: 'eventIds' | 'eventId' } = {},
) {
  const events = options.events ?? 'eventIds';
  return {
    type: 'object',
    required: [...Object.keys(ids), events, 'revision'],
    properties: {
      ...ids,
      ...(events === 'eventIds'
        ? { eventIds: { type: 'array', items: uuidSchema, description: 'the events recorded' } }
        : { eventId: { ...uuidSchema, description: 'the event recorded' } }),
      revision: options.revision ?? {
        type: 'integer',
        description: 'the stream revision after the events (send it as If-Match)',
      },
    },
  } as const;
}
