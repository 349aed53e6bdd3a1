export * from './logger.js';
export * from './kafka.js';
export * from './relay.js';
export * from './consumer.js';
export * from './dead-letters.js';
export * from './transient.js';
export * from './trace-context.js';
export * from './inbound.js';
