export * from './agencies.js';
export * from './envelope.js';
export * from './wire-names.js';
export * from './cloudevents.js';
export * from './catalogue.js';
export * from './events/common.schema.js';
export * from './events/street.events.js';
export * from './events/swc.events.js';
