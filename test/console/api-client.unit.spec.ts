import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import {
  API_CLIENT_COMMAND,
  API_CLIENT_DIR,
  apiClientFiles,
  apiDocuments,
  committedFile,
} from '../support/api-client.js';

/**
 * The console's API client is generated from the apps' OpenAPI documents
 * (docs/console.md, "The API client"). Every route documents the schema of its
 * success answer, and the committed documents and typings are what the code
 * generates now. `GRIDLINE_WRITE_API_CLIENT=1` (what `npm run api:client`
 * sets) writes them instead of comparing.
 */
const WRITE = process.env['GRIDLINE_WRITE_API_CLIENT'] === '1';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: object }> }> };

/** Routes whose 2xx answer has no body schema. */
export function untypedRoutes(document: OpenAPIObject): string[] {
  const missing: string[] = [];
  for (const [route, item] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const success = Object.entries(operation.responses ?? {}).filter(([code]) =>
        code.startsWith('2'),
      );
      const typed =
        success.length > 0 &&
        success.every(([, response]) =>
          Object.values(response.content ?? {}).some((media) => media.schema),
        );
      if (!typed) missing.push(`${method.toUpperCase()} ${route}`);
    }
  return missing;
}

describe("the console's generated API client", () => {
  let files: Map<string, string>;

  beforeAll(async () => {
    files = await apiClientFiles();
    if (WRITE) {
      mkdirSync(API_CLIENT_DIR, { recursive: true });
      for (const name of readdirSync(API_CLIENT_DIR))
        if (!files.has(name)) throw new Error(`${name} in ${API_CLIENT_DIR} is not generated`);
      for (const [name, text] of files) writeFileSync(path.join(API_CLIENT_DIR, name), text);
    }
  }, 60_000);

  it('documents a schema for the success answer of every route of every app', async () => {
    const documents = await apiDocuments();
    expect([...documents.keys()]).toHaveLength(5);
    for (const [name, document] of documents) {
      expect(Object.keys(document.paths).length).toBeGreaterThan(2);
      expect({ app: name, untyped: untypedRoutes(document) }).toEqual({ app: name, untyped: [] });
    }
  });

  it('finds a route without one', () => {
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/typed': {
          get: {
            responses: {
              200: {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'object' } } },
              },
            },
          },
        },
        '/untyped': { post: { responses: { 201: { description: 'created' } } } },
      },
    } as unknown as OpenAPIObject;
    expect(untypedRoutes(document)).toEqual(['POST /untyped']);
  });

  it(`is what the code generates now (else run \`${API_CLIENT_COMMAND}\` and commit the result)`, () => {
    const committed = readdirSync(API_CLIENT_DIR).sort();
    expect(committed).toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      const same = committedFile(name) === text;
      if (!same)
        throw new Error(
          `apps/console/src/api/openapi/${name} differs from what the apps' route declarations generate: ` +
            `run \`${API_CLIENT_COMMAND}\` and commit the result`,
        );
    }
  });
});
