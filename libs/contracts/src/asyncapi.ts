import {
  AGENCIES,
  agencyEventsTopic,
  agencySource,
  deadLetterTopic,
  type Agency,
} from './agencies.js';
import { eventSchemas } from './catalogue.js';
import {
  agencyInboundTopic,
  EVENT_DEAD_LETTER_KINDS,
  INBOUND_COMMAND_CONTRACTS,
  INBOUND_DEAD_LETTER_KINDS,
} from './inbound-commands.js';
import { DEFAULT_SCHEMA_BASE_URL, dataSchemaUri } from './published-schemas.js';
import { parseWireName } from './wire-names.js';

/**
 * The AsyncAPI 3.0 document of Gridline's event traffic, generated from the
 * contracts: one channel per agency topic and per dead-letter topic, every event
 * type as a message with its CloudEvents headers, its `data` schema and its Kafka
 * key. Served by the gateway (`/api/asyncapi.json`); `npm run docs:events` writes
 * docs/asyncapi.yaml and docs/asyncapi.md from it.
 */

/** Partitions per agency topic, as `ensureTopics` creates them. */
export const AGENCY_TOPIC_PARTITIONS = 3;

const KAFKA_BINDING_VERSION = '0.5.0';

const AGENCY_NAMES: Readonly<Record<Agency, string>> = {
  swc: 'Social Work Committee',
  drc: 'Development and Reform Commission',
  street: 'street offices',
};

export interface AsyncApiOptions {
  /** Where the gateway serves event schemas (`SCHEMA_BASE_URL`). */
  readonly schemaBaseUrl?: string;
  /** Bootstrap address shown as the server's default (`{bootstrap}` variable). */
  readonly kafkaBootstrap?: string;
  /** The document's version: the platform release. */
  readonly version?: string;
}

const TRACEPARENT = {
  type: 'string',
  pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
} as const;

const SHA256_HEX = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** Headers every domain event carries (CloudEvents Kafka binding, binary mode). */
const cloudEventHeaders = {
  type: 'object',
  description:
    'CloudEvents 1.0 attributes as `ce_`-prefixed Kafka headers (binary content mode), plus Gridline extension attributes.',
  required: [
    'ce_specversion',
    'ce_id',
    'ce_type',
    'ce_source',
    'ce_subject',
    'ce_time',
    'content-type',
    'ce_dataschema',
    'ce_correlationid',
    'ce_causationid',
    'ce_streamid',
    'ce_streamrevision',
    'ce_position',
    'ce_actorid',
    'ce_actoragency',
    'ce_actorkind',
  ],
  properties: {
    ce_specversion: { const: '1.0' },
    ce_id: { type: 'string', format: 'uuid', description: 'Event id; unique per event.' },
    ce_type: { type: 'string', description: 'Wire name `<agency>.<aggregate>.<verb>.v<N>`.' },
    ce_source: { type: 'string', pattern: `^/gridline/(${AGENCIES.join('|')})$` },
    ce_subject: { type: 'string', description: 'The case id (also the Kafka key).' },
    ce_time: { type: 'string', format: 'date-time', description: 'When the event happened.' },
    'content-type': { const: 'application/json' },
    ce_dataschema: {
      type: 'string',
      format: 'uri',
      description: 'Address of the JSON Schema of `data`, served by the gateway.',
    },
    ce_correlationid: { type: 'string', description: 'Shared by every event of one request.' },
    ce_causationid: { type: 'string', description: 'The event or request that caused this one.' },
    ce_streamid: { type: 'string', description: 'The event store stream (`<agency>-…`).' },
    ce_streamrevision: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'Revision in the stream, 0 for its first event.',
    },
    ce_position: {
      type: 'string',
      pattern: '^-?[0-9]+/-?[0-9]+$',
      description: 'Global log position `<commit>/<prepare>` of the producing store.',
    },
    ce_actorid: { type: 'string', description: 'Principal (or service account) that acted.' },
    ce_actoragency: { enum: [...AGENCIES] },
    ce_actorkind: { enum: ['user', 'service'] },
    ce_previoushash: { ...SHA256_HEX, description: 'Hash of the stream’s previous event.' },
    ce_hash: { ...SHA256_HEX, description: 'SHA-256 chain link (docs/security.md).' },
    ce_traceparent: {
      ...TRACEPARENT,
      description:
        'Distributed Tracing extension: the W3C trace context the event was made in (stored with it).',
    },
    traceparent: {
      ...TRACEPARENT,
      description:
        'W3C trace context of the Kafka hop (the producer’s send span); each hop may replace it.',
    },
  },
} as const;

/** What a consumer adds when it parks a message it could not process. */
const deadLetterHeaders = (kinds: readonly string[], note: string) =>
  ({
    type: 'object',
    description: `The original message’s headers as they came, plus why and where from. ${note}`,
    required: [
      'dlq_kind',
      'dlq_reason',
      'dlq_source_topic',
      'dlq_source_partition',
      'dlq_source_offset',
      'dlq_consumer_group',
      'dlq_failed_at',
    ],
    properties: {
      dlq_kind: { enum: [...kinds], description: 'Why it was parked (docs/operations.md).' },
      dlq_reason: { type: 'string' },
      dlq_source_topic: { type: 'string' },
      dlq_source_partition: { type: 'string', pattern: '^[0-9]+$' },
      dlq_source_offset: { type: 'string', pattern: '^[0-9]+$' },
      dlq_consumer_group: { type: 'string' },
      dlq_failed_at: { type: 'string', format: 'date-time' },
    },
  }) as const;

const eventDeadLetterHeaders = deadLetterHeaders(
  EVENT_DEAD_LETTER_KINDS,
  'Replay (`npm run dlq -- replay`) drops the `dlq_` headers and adds `dlq_replayed_from`.',
);
const inboundDeadLetterHeaders = deadLetterHeaders(
  INBOUND_DEAD_LETTER_KINDS,
  'The `authorization` header is removed; such letters are for reading, the sender sends again (docs/inbound.md).',
);

/** Headers of a command a department system sends (binary mode; docs/inbound.md). */
const inboundHeaders = {
  type: 'object',
  description:
    'CloudEvents 1.0, binary mode shown; structured mode (`content-type: application/cloudevents+json`, the whole event as the value) is accepted too. Each (source, id) is executed once.',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'authorization'],
  properties: {
    ce_specversion: { const: '1.0' },
    ce_id: { type: 'string', description: 'Unique per source: the idempotency key.' },
    ce_source: { type: 'string', description: 'The sending system, e.g. `/hotline/12345`.' },
    ce_type: { type: 'string' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_datacontenttype: { const: 'application/json' },
    authorization: {
      type: 'string',
      pattern: '^Bearer .+$',
      description:
        'A service-account JWT of the topic’s agency with the role `service` (docs/security.md).',
    },
    ce_traceparent: {
      ...TRACEPARENT,
      description: 'Distributed Tracing extension: where the sender made the command.',
    },
    traceparent: {
      ...TRACEPARENT,
      description: 'W3C trace context of the hop; used when `ce_traceparent` is absent.',
    },
  },
} as const;

const kafkaKey = {
  type: 'string',
  description: 'The case id: every event of a case lands on one partition, in order.',
};

/** Component names may not contain every character a wire name may; they don't today. */
const messageKey = (type: string) => type;

function channelKey(agency: Agency, deadLetters = false): string {
  return `${agency}Events${deadLetters ? 'DeadLetters' : ''}`;
}

export function buildAsyncApiDocument(options: AsyncApiOptions = {}): Record<string, unknown> {
  const base = options.schemaBaseUrl ?? DEFAULT_SCHEMA_BASE_URL;
  const types = Object.keys(eventSchemas).sort();
  const byAgency = new Map<Agency, string[]>(AGENCIES.map((a) => [a, []]));
  for (const type of types) {
    const wire = parseWireName(type);
    if (wire) byAgency.get(wire.agency)?.push(type);
  }

  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    CloudEventHeaders: cloudEventHeaders,
    DeadLetterHeaders: eventDeadLetterHeaders,
    InboundHeaders: inboundHeaders,
    InboundDeadLetterHeaders: inboundDeadLetterHeaders,
  };
  for (const type of types) {
    const wire = parseWireName(type);
    if (!wire) continue;
    const { $id: _name, ...schema } = eventSchemas[type as keyof typeof eventSchemas] as {
      $id?: string;
      title?: string;
      description?: string;
    };
    schemas[messageKey(type)] = schema;
    messages[messageKey(type)] = {
      name: type,
      title: schema.title ?? type,
      summary: schema.description ?? '',
      contentType: 'application/json',
      headers: {
        allOf: [
          { $ref: '#/components/schemas/CloudEventHeaders' },
          {
            type: 'object',
            properties: {
              ce_type: { const: type },
              ce_source: { const: agencySource(wire.agency) },
              ce_dataschema: { const: dataSchemaUri(type, base) },
            },
          },
        ],
      },
      payload: { $ref: `#/components/schemas/${messageKey(type)}` },
      correlationId: { $ref: '#/components/correlationIds/correlation' },
      bindings: { kafka: { key: kafkaKey, bindingVersion: KAFKA_BINDING_VERSION } },
      externalDocs: { description: 'JSON Schema of `data`', url: dataSchemaUri(type, base) },
    };
  }
  messages['deadLetter'] = {
    name: 'dead-letter',
    title: 'Dead letter',
    summary: 'A message a consumer could not process, parked with the reason.',
    contentType: 'application/json',
    headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
    payload: {
      description: 'The original message value, byte for byte (it may not even be JSON).',
    },
  };

  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const agency of AGENCIES) {
    const topic = agencyEventsTopic(agency);
    const own = byAgency.get(agency) ?? [];
    const key = channelKey(agency);
    channels[key] = {
      address: topic,
      title: `Domain events of the ${AGENCY_NAMES[agency]}`,
      description: `Every event the ${AGENCY_NAMES[agency]} record, published by their service's outbox relay in store order, keyed by case id.`,
      messages: Object.fromEntries(
        own.map((type) => [
          messageKey(type),
          { $ref: `#/components/messages/${messageKey(type)}` },
        ]),
      ),
      bindings: {
        kafka: {
          topic,
          partitions: AGENCY_TOPIC_PARTITIONS,
          topicConfiguration: { 'cleanup.policy': ['delete'] },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    const dlqKey = channelKey(agency, true);
    channels[dlqKey] = {
      address: deadLetterTopic(topic),
      title: `Dead letters of ${topic}`,
      description: `Messages of ${topic} that a consumer could not process (docs/reliability.md).`,
      messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
      bindings: {
        kafka: { topic: deadLetterTopic(topic), bindingVersion: KAFKA_BINDING_VERSION },
      },
    };
    const channelMessages = own.map((type) => ({
      $ref: `#/channels/${key}/messages/${messageKey(type)}`,
    }));
    operations[`publish${capitalise(agency)}Events`] = {
      action: 'send',
      title: `The ${AGENCY_NAMES[agency]} publish their events`,
      channel: { $ref: `#/channels/${key}` },
      messages: channelMessages,
      bindings: { kafka: { bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`consume${capitalise(agency)}Events`] = {
      action: 'receive',
      title: `Projector and reacting agencies consume the ${AGENCY_NAMES[agency]}'s events`,
      description:
        'Each consumer group reads every partition; events of one case arrive in order. Delivery is at least once: consumers deduplicate by event id.',
      channel: { $ref: `#/channels/${key}` },
      messages: channelMessages,
    };
    operations[`park${capitalise(agency)}DeadLetters`] = {
      action: 'send',
      title: `Consumers park what they cannot process from ${topic}`,
      channel: { $ref: `#/channels/${dlqKey}` },
      messages: [{ $ref: `#/channels/${dlqKey}/messages/deadLetter` }],
    };
  }

  addInboundCommands(schemas, messages, channels, operations);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gridline on Kafka',
      version: options.version ?? '0.1.0',
      description:
        'The events Gridline’s agency services exchange over Kafka — CloudEvents 1.0 in binary mode, one topic per agency, keyed by case id — and the commands department systems send them on the inbound topics. Personal data travels sealed (docs/security.md). Generated from libs/contracts; do not edit by hand.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{bootstrap}',
        protocol: 'kafka',
        protocolVersion: '4.1',
        description:
          'The Kafka cluster. With KAFKA_NAMESPACE set, topic names are prefixed `<namespace>.` (tests only).',
        variables: {
          bootstrap: {
            default: options.kafkaBootstrap ?? 'localhost:9092',
            description: 'A bootstrap broker, host:port.',
          },
        },
        bindings: { kafka: { bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      correlationIds: {
        correlation: {
          description: 'Shared by every event that follows from one original request.',
          location: '$message.header#/ce_correlationid',
        },
      },
    },
  };
}

/** The inbound topics: commands department systems send an agency, and their dead letters. */
function addInboundCommands(
  schemas: Record<string, unknown>,
  messages: Record<string, unknown>,
  channels: Record<string, unknown>,
  operations: Record<string, unknown>,
): void {
  messages['inboundDeadLetter'] = {
    name: 'inbound-dead-letter',
    title: 'Inbound dead letter',
    summary: 'A command an agency service could not accept, parked with the reason.',
    contentType: 'application/json',
    headers: { $ref: '#/components/schemas/InboundDeadLetterHeaders' },
    payload: { description: 'The original message value, byte for byte.' },
  };
  for (const agency of AGENCIES) {
    const commands = Object.values(INBOUND_COMMAND_CONTRACTS).filter((c) => c.agency === agency);
    if (commands.length === 0) continue;
    for (const command of commands) {
      schemas[command.type] = command.schema;
      messages[command.type] = {
        name: command.type,
        title: command.title,
        summary: command.description,
        contentType: 'application/json',
        headers: {
          allOf: [
            { $ref: '#/components/schemas/InboundHeaders' },
            { type: 'object', properties: { ce_type: { const: command.type } } },
          ],
        },
        payload: { $ref: `#/components/schemas/${command.type}` },
        bindings: {
          kafka: {
            key: {
              type: 'string',
              description:
                'A stable key chosen by the sender (the event id or its case reference).',
            },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      };
    }
    const topic = agencyInboundTopic(agency);
    const key = `${agency}Inbound`;
    channels[key] = {
      address: topic,
      title: `Commands to the ${AGENCY_NAMES[agency]}`,
      description: `Department systems send the ${AGENCY_NAMES[agency]} commands as CloudEvents (docs/inbound.md).`,
      messages: Object.fromEntries(
        commands.map((c) => [c.type, { $ref: `#/components/messages/${c.type}` }]),
      ),
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    const dlqKey = `${agency}InboundDeadLetters`;
    channels[dlqKey] = {
      address: deadLetterTopic(topic),
      title: `Dead letters of ${topic}`,
      description: `Commands of ${topic} the ${AGENCY_NAMES[agency]} could not accept.`,
      messages: { inboundDeadLetter: { $ref: '#/components/messages/inboundDeadLetter' } },
      bindings: {
        kafka: { topic: deadLetterTopic(topic), bindingVersion: KAFKA_BINDING_VERSION },
      },
    };
    operations[`receive${capitalise(agency)}Commands`] = {
      action: 'receive',
      title: `The ${AGENCY_NAMES[agency]} take commands from department systems`,
      channel: { $ref: `#/channels/${key}` },
      messages: commands.map((c) => ({ $ref: `#/channels/${key}/messages/${c.type}` })),
    };
    operations[`park${capitalise(agency)}InboundDeadLetters`] = {
      action: 'send',
      title: `The ${AGENCY_NAMES[agency]} park commands they cannot accept`,
      channel: { $ref: `#/channels/${dlqKey}` },
      messages: [{ $ref: `#/channels/${dlqKey}/messages/inboundDeadLetter` }],
    };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface HeaderSchema {
  readonly required: readonly string[];
  readonly properties: Readonly<
    Record<string, { readonly description?: string; readonly const?: string; [k: string]: unknown }>
  >;
}

/** The AsyncAPI document as Markdown for docs/asyncapi.md (a reader's view of it). */
export function renderAsyncApiMarkdown(options: AsyncApiOptions = {}): string {
  const document = buildAsyncApiDocument(options) as {
    channels: Record<string, { address: string; title: string; messages: object }>;
    operations: Record<string, { action: string; title: string; channel: { $ref: string } }>;
  };
  const headerRows = (schema: HeaderSchema) =>
    Object.entries(schema.properties).map(
      ([name, p]) =>
        `| \`${name}\` | ${schema.required.includes(name) ? 'yes' : 'no'} | ${p.const !== undefined ? `\`${p.const}\`` : (p.description ?? '')} |`,
    );
  const lines = [
    '# AsyncAPI: Gridline on Kafka',
    '',
    '<!-- Generated by `npm run docs:events` from libs/contracts; do not edit by hand. -->',
    '',
    'The machine-readable document is [asyncapi.yaml](asyncapi.yaml) (AsyncAPI 3.0, checked',
    'by `@asyncapi/parser` in the unit tests); a running gateway serves it at',
    '`/api/asyncapi.json`, with each event’s JSON Schema at `/api/schemas/<wire name>`.',
    'Event data schemas are listed in the [event catalogue](event-catalogue.md).',
    '',
    '## Channels',
    '',
    '| channel | Kafka topic | messages |',
    '| --- | --- | --- |',
    ...Object.entries(document.channels).map(
      ([key, c]) => `| ${key}: ${c.title} | \`${c.address}\` | ${Object.keys(c.messages).length} |`,
    ),
    '',
    '## Operations',
    '',
    '| operation | action | channel |',
    '| --- | --- | --- |',
    ...Object.entries(document.operations).map(
      ([key, o]) =>
        `| ${key}: ${o.title} | ${o.action} | ${o.channel.$ref.replace('#/channels/', '')} |`,
    ),
    '',
    '## Message headers',
    '',
    'Every domain event (CloudEvents binary mode; the value is the JSON `data`, the key the case id):',
    '',
    '| header | required | meaning |',
    '| --- | --- | --- |',
    ...headerRows(cloudEventHeaders),
    '',
    'Dead letters keep the original headers and value and add:',
    '',
    '| header | required | meaning |',
    '| --- | --- | --- |',
    ...headerRows(eventDeadLetterHeaders),
    '',
    `Inbound dead letters carry the same, with \`dlq_kind\` one of ${INBOUND_DEAD_LETTER_KINDS.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    'Commands from department systems (`gridline.inbound.<agency>.v1`, docs/inbound.md):',
    '',
    '| header | required | meaning |',
    '| --- | --- | --- |',
    ...headerRows(inboundHeaders),
    '',
    '## Messages',
  ];
  for (const agency of AGENCIES) {
    const channel = document.channels[channelKey(agency)];
    if (!channel) continue;
    lines.push('', `### \`${channel.address}\``, '', '| message | dataschema |', '| --- | --- |');
    for (const type of Object.keys(channel.messages))
      lines.push(
        `| [\`${type}\`](event-catalogue.md#${type.replace(/\./g, '')}) | ${dataSchemaUri(type, options.schemaBaseUrl)} |`,
      );
  }
  lines.push('', '### Inbound commands', '', '| topic | CloudEvent type | what it becomes |');
  lines.push('| --- | --- | --- |');
  for (const command of Object.values(INBOUND_COMMAND_CONTRACTS))
    lines.push(
      `| \`${agencyInboundTopic(command.agency)}\` | \`${command.type}\` | ${command.description} |`,
    );
  lines.push(
    '',
    'Their data schemas are in [asyncapi.yaml](asyncapi.yaml) under `components.schemas`.',
  );
  return `${lines.join('\n')}\n`;
}
