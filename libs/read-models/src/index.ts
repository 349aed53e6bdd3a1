export * from './mongo.js';
export * from './summaries.js';
export * from './case-timeline.projection.js';
export * from './queries.js';
