import { eventStoreContract } from '@gridline/testing';
import { InMemoryEventStore } from './in-memory-event-store.js';

eventStoreContract('in-memory', () => {
  const store = new InMemoryEventStore();
  return Promise.resolve({ store, streetWriter: store.forWriter('street') });
});
