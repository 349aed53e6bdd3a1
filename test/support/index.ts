export * from './event-store.contract.js';
export * from './infra.js';
export * from './apps.js';
export * from './http.js';
export * from './read-model-contents.js';
export * from './isolated.js';
export * from './read-model-set.js';
export * from './vendor-story.js';
