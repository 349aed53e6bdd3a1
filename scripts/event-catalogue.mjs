// Writes docs/event-catalogue.md from the contracts (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const contracts = path.join(root, 'dist', 'libs', 'contracts', 'src', 'index.js');
const { renderEventCatalogue } = await import(pathToFileURL(contracts).href);
writeFileSync(path.join(root, 'docs', 'event-catalogue.md'), renderEventCatalogue());
console.log('docs/event-catalogue.md written');
