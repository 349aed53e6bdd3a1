/** Injection tokens of the agency runtime (see agency-runtime.ts). */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const POSTGRES = Symbol('POSTGRES');
export const KAFKA = Symbol('KAFKA');
export const PRODUCER = Symbol('PRODUCER');
export const CLOCK = Symbol('CLOCK');
export const IDS = Symbol('IDS');
export const CONFIG = Symbol('CONFIG');
export const KAFKA_NAMES = Symbol('KAFKA_NAMES');
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');
