export * from './tracing.js';
export * from './instrumentations.js';
