export * from './postgres-event-store.js';
export * from './postgres-checkpoint-store.js';
export * from './schema.js';
export * from './connection.js';
