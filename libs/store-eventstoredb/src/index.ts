export * from './eventstoredb-event-store.js';
export * from './connection.js';
