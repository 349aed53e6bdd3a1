import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import { AGENCIES, agencyEventsTopic, deadLetterTopic } from './agencies.js';
import { agencyInboundTopic, INBOUND_COMMAND_CONTRACTS } from './inbound-commands.js';
import { buildAsyncApiDocument, renderAsyncApiMarkdown } from './asyncapi.js';
import { eventSchemas } from './catalogue.js';

/** The parser's diagnostics use @stoplight/types' severities, where 0 is an error. */
const isError = (d: { severity: number }) => d.severity === 0;

const docs = path.resolve(import.meta.dirname, '../../../docs');

/** Errors (not warnings or hints) the official parser reports for a document. */
async function parserErrors(document: unknown) {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics.filter((d) => isError(d)).map((d) => `${d.path.join('/')}: ${d.message}`);
}

describe('AsyncAPI document', () => {
  const document = buildAsyncApiDocument();

  it('is a valid AsyncAPI 3 document according to @asyncapi/parser', async () => {
    expect(await parserErrors(document)).toEqual([]);
  });

  it('has every event type as a message on its agency topic, plus the dead-letter topics', async () => {
    const { document: parsed } = await new Parser().parse(JSON.stringify(document));
    if (!parsed) throw new Error('the parser returned no document');
    const addresses = parsed
      .channels()
      .all()
      .map((c) => c.address())
      .sort();
    const inbound = [...new Set(Object.values(INBOUND_COMMAND_CONTRACTS).map((c) => c.agency))];
    expect(addresses).toEqual(
      [
        ...AGENCIES.flatMap((a) => [agencyEventsTopic(a), deadLetterTopic(agencyEventsTopic(a))]),
        ...inbound.flatMap((a) => [agencyInboundTopic(a), deadLetterTopic(agencyInboundTopic(a))]),
      ].sort(),
    );
    for (const command of Object.values(INBOUND_COMMAND_CONTRACTS)) {
      const channel = parsed
        .channels()
        .all()
        .find((c) => c.address() === agencyInboundTopic(command.agency));
      const message = channel
        ?.messages()
        .all()
        .find((m) => m.name() === command.type);
      expect(message?.payload()?.json()).toMatchObject({ required: command.schema.required });
    }
    for (const type of Object.keys(eventSchemas)) {
      const agency = type.split('.')[0] as (typeof AGENCIES)[number];
      const channel = parsed
        .channels()
        .all()
        .find((c) => c.address() === agencyEventsTopic(agency));
      const message = channel
        ?.messages()
        .all()
        .find((m) => m.name() === type);
      expect(message?.payload()?.json()).toMatchObject({
        required: (eventSchemas[type as keyof typeof eventSchemas] as { required: unknown })
          .required,
      });
      expect(message?.bindings().get('kafka')?.value()).toMatchObject({ key: { type: 'string' } });
    }
  });

  it('is reported broken by the parser when it is broken (so the check above can fail)', async () => {
    const broken = structuredClone(document) as { channels: Record<string, { address: unknown }> };
    const first = Object.keys(broken.channels)[0] ?? '';
    const channel = broken.channels[first];
    if (channel) channel.address = 42;
    expect((await parserErrors(broken)).length).toBeGreaterThan(0);
  });

  it('is the same in docs/asyncapi.yaml and docs/asyncapi.md (run `npm run docs:events` after changing an event)', () => {
    const yamlText = readFileSync(path.join(docs, 'asyncapi.yaml'), 'utf8');
    expect(parseYaml(yamlText)).toEqual(JSON.parse(JSON.stringify(document)));
    expect(readFileSync(path.join(docs, 'asyncapi.md'), 'utf8')).toBe(renderAsyncApiMarkdown());
  });
});
