import { createSchemaValidator, eventSchemas } from './catalogue.js';
import {
  DEFAULT_SCHEMA_BASE_URL,
  dataSchemaUri,
  normaliseSchemaBaseUrl,
  publishedEventSchema,
  publishedSchemaIndex,
} from './published-schemas.js';

describe('published event schemas', () => {
  it('addresses each schema under the base, with or without its trailing slash', () => {
    expect(dataSchemaUri('street.issue.reported.v1')).toBe(
      `${DEFAULT_SCHEMA_BASE_URL}street.issue.reported.v1`,
    );
    expect(dataSchemaUri('swc.case.opened.v1', 'https://gw.example.org/api/schemas')).toBe(
      'https://gw.example.org/api/schemas/swc.case.opened.v1',
    );
  });

  it('refuses a base that is not an http(s) URL or carries a query', () => {
    expect(() => normaliseSchemaBaseUrl('ftp://gw.example.org/')).toThrow('http or https');
    expect(() => normaliseSchemaBaseUrl('https://gw.example.org/?v=1')).toThrow('no query');
    expect(() => normaliseSchemaBaseUrl('schemas/')).toThrow();
  });

  it('publishes a draft-07 schema whose $id is its address and which ajv compiles', () => {
    for (const type of Object.keys(eventSchemas)) {
      const schema = publishedEventSchema(type, 'https://gw.example.org/api/schemas/');
      expect(schema?.['$id']).toBe(`https://gw.example.org/api/schemas/${type}`);
      expect(() => createSchemaValidator().compile(schema ?? {})).not.toThrow();
    }
    expect(publishedEventSchema('street.issue.vanished.v1')).toBeUndefined();
  });

  it('indexes every event type once, sorted, with agency and version', () => {
    const index = publishedSchemaIndex();
    expect(index.map((e) => e.type)).toEqual(Object.keys(eventSchemas).sort());
    expect(index.find((e) => e.type === 'drc.warning.issued.v1')).toMatchObject({
      agency: 'drc',
      version: 1,
      source: '/gridline/drc',
    });
  });
});
