import {
  BadRequestException,
  Controller,
  Header,
  Inject,
  NotFoundException,
  Param,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  buildAsyncApiDocument,
  parseWireName,
  publishedEventSchema,
  publishedSchemaIndex,
  type PublishedSchemaEntry,
} from '@gridline/contracts';
import { anyObjectSchema, CONFIG, PublicRoute, type ServiceConfig } from '@gridline/platform';

const schemaIndexSchema = {
  type: 'object',
  required: ['schemas'],
  properties: {
    schemas: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'agency', 'version', 'source', 'dataschema', 'title', 'description'],
        properties: {
          type: { type: 'string', description: 'the wire name: CloudEvents `type`' },
          agency: { type: 'string' },
          version: { type: 'integer' },
          source: { type: 'string', description: 'CloudEvents `source` of events of this type' },
          dataschema: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          description: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * The event contracts for other systems: the JSON Schema of each event's `data`
 * (each CloudEvent's `dataschema` points here) and the AsyncAPI document of the
 * Kafka traffic. Public like an API description: they hold no data, and schema
 * registries and code generators fetch them without a token.
 */
@ApiTags('contracts')
@Controller('api')
export class ContractsController {
  private readonly asyncApi: Record<string, unknown>;

  constructor(@Inject(CONFIG) private readonly config: ServiceConfig) {
    this.asyncApi = buildAsyncApiDocument({
      schemaBaseUrl: config.SCHEMA_BASE_URL,
      kafkaBootstrap: config.KAFKA_BROKERS[0],
    });
  }

  @PublicRoute({
    path: 'schemas',
    summary: 'Every event type with the address of its JSON Schema',
    response: schemaIndexSchema,
  })
  index(): { schemas: PublishedSchemaEntry[] } {
    return { schemas: publishedSchemaIndex(this.config.SCHEMA_BASE_URL) };
  }

  @PublicRoute({
    path: 'schemas/:type',
    summary: "The JSON Schema (draft-07) of one event type's data",
    params: { type: { example: 'street.issue.reported.v1' } },
    answers: { 400: 'not a wire name', 404: 'no such event type' },
    response: {
      mediaType: 'application/schema+json',
      schema: anyObjectSchema('a JSON Schema (draft-07)'),
    },
  })
  @Header('Content-Type', 'application/schema+json')
  @Header('Cache-Control', 'public, max-age=300')
  schema(@Param('type') type: string): Record<string, unknown> {
    if (!parseWireName(type))
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `"${type.slice(0, 100)}" is not a wire name (<agency>.<aggregate>.<verb>.v<N>, e.g. street.issue.reported.v1)`,
      });
    const schema = publishedEventSchema(type, this.config.SCHEMA_BASE_URL);
    if (!schema)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: `no event type ${type}; GET /api/schemas lists them`,
      });
    return schema;
  }

  @PublicRoute({
    path: 'asyncapi.json',
    summary: 'The AsyncAPI 3.0 document of the Kafka event traffic',
    response: anyObjectSchema('an AsyncAPI 3.0 document'),
  })
  @Header('Cache-Control', 'public, max-age=300')
  asyncapi(): Record<string, unknown> {
    return this.asyncApi;
  }
}
