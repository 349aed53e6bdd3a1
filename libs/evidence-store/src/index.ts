export * from './sealed-stream.js';
export * from './media-types.js';
export * from './evidence-objects.js';
export * from './evidence-files.js';
export * from './recorded-evidence.js';
export * from './verify-objects.js';
