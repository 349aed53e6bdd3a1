export * from './config.js';
export * from './logger.js';
export * from './auth.js';
export * from './http.js';
export * from './health.js';
export * from './agency-runtime.js';
export * from './bootstrap.js';
export * from './idempotency.js';
