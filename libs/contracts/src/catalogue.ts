import type { EventEnvelope } from './envelope.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { StreetEvent } from './events/street.events.js';
import { streetEventSchemas } from './events/street.events.js';
import type { SwcEvent } from './events/swc.events.js';
import type { DrcEvent } from './events/drc.events.js';
import { drcEventSchemas } from './events/drc.events.js';
import { swcEventSchemas } from './events/swc.events.js';
import type { AssignmentEvent } from './events/assignment.events.js';
import { assignmentEventSchemas } from './events/assignment.events.js';

/** Every domain event type of every agency, discriminated by its wire name. */
export type GridlineEvent = StreetEvent | SwcEvent | DrcEvent | AssignmentEvent;
export type GridlineEventType = GridlineEvent['type'];

/** The JSON Schema of each event type's `data`, by wire name. */
export const eventSchemas: Readonly<Record<GridlineEventType, object>> = {
  ...streetEventSchemas,
  ...swcEventSchemas,
  ...drcEventSchemas,
  ...assignmentEventSchemas('street'),
  ...assignmentEventSchemas('drc'),
};

export function isKnownEventType(type: string): type is GridlineEventType {
  return Object.hasOwn(eventSchemas, type);
}

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** A JSON Schema validator configured the way every Gridline boundary uses it. */
export function createSchemaValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

export interface SchemaProblem {
  /** JSON pointer of the offending value (`/location/grid`), empty for the root. */
  readonly path: string;
  readonly message: string;
}

export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined) {
  return (errors ?? []).map((error): SchemaProblem => {
    const missing =
      error.keyword === 'required' ? `/${String(error.params['missingProperty'])}` : '';
    const extra =
      error.keyword === 'additionalProperties'
        ? `/${String(error.params['additionalProperty'])}`
        : '';
    const path = `${error.instancePath}${missing}${extra}`;
    const message =
      error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is invalid');
    return { path, message };
  });
}

const ajv = createSchemaValidator();
const validators = new Map<string, ValidateFunction>();

/**
 * Checks an event's data against its schema. Unknown types are reported as a
 * problem rather than thrown, so consumers can park them (dead-letter) instead of
 * crashing.
 */
export function validateEventData(type: string, data: unknown): readonly SchemaProblem[] {
  if (!isKnownEventType(type)) return [{ path: '', message: `unknown event type ${type}` }];
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(eventSchemas[type]);
    validators.set(type, validate);
  }
  return validate(data) ? [] : describeSchemaErrors(validate.errors);
}

/** The payload type of an event type, by wire name. */
export type EventData<T extends GridlineEventType> = Extract<GridlineEvent, { type: T }>['data'];

/** Narrows a (schema-validated) envelope to one event type. */
export function isEventOfType<T extends GridlineEventType>(
  event: { readonly type: string },
  type: T,
): event is EventEnvelope<T, EventData<T>> {
  return event.type === type;
}

/**
 * Events that belong to no coordinated case (reference data such as discretion
 * standards and the enforcement credential registry). They still carry a stable
 * subject for Kafka ordering, but the case read models leave them out.
 */
export const REFERENCE_DATA_EVENT_TYPES: ReadonlySet<string> = new Set<GridlineEventType>([
  'street.discretion.standard-published.v1',
  'street.credential.granted.v1',
  'street.credential.withdrawn.v1',
]);
