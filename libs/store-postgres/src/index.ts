export * from './postgres-event-store.js';
export * from './postgres-checkpoint-store.js';
export * from './schema.js';
export * from './connection.js';
export * from './postgres-personal-data-vault.js';
export * from './postgres-idempotency-store.js';
export * from './postgres-export-audit.js';
export * from './postgres-evidence.js';
