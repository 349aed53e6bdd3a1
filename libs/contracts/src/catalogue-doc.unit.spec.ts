import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderEventCatalogue } from './catalogue-doc.js';

describe('docs/event-catalogue.md', () => {
  it('is what the contracts generate (run `npm run docs:events` after changing an event)', () => {
    const file = path.resolve(import.meta.dirname, '../../../docs/event-catalogue.md');
    expect(readFileSync(file, 'utf8')).toBe(renderEventCatalogue());
  });
});
