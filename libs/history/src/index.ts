export * from './case-history.js';
export * from './diff.js';
export * from './export-import.js';
export * from './vendor-story.fixture.js';
export * from './generated-history.js';
export * from './view-schemas.js';
