import { newEvent } from '@gridline/testing';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { upcastingStore } from './upcasting-store.js';

describe('upcastingStore', () => {
  it('serves stored old versions as the current version on every read', async () => {
    const inner = new InMemoryEventStore();
    const store = upcastingStore(inner, {
      'street.test.counted.v1': (data) => ({
        type: 'street.test.counted.v2',
        data: { count: (data as { n: number }).n, unit: 'items' },
      }),
    });
    await inner.appendToStream('street-s-1', [newEvent('street.test.counted.v1', { n: 3 })]);
    const [read] = await store.readStream('street-s-1');
    expect(read).toMatchObject({
      type: 'street.test.counted.v2',
      data: { count: 3, unit: 'items' },
    });
    const [logged] = await store.readAll({ maxCount: 10 });
    expect(logged?.type).toBe('street.test.counted.v2');
    // The store itself still holds what was written.
    expect((await inner.readStream('street-s-1'))[0]?.type).toBe('street.test.counted.v1');
  });
});
