export * from './inbox.decider.js';
export * from './inbox.handler.js';
export * from './inbox.reaction.js';
export * from './inbox.module.js';
