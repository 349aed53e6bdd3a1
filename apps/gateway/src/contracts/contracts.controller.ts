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
import { CONFIG, PublicRoute, type ServiceConfig } from '@gridline/platform';

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

  @PublicRoute({ path: 'schemas', summary: 'Every event type with the address of its JSON Schema' })
  index(): { schemas: PublishedSchemaEntry[] } {
    return { schemas: publishedSchemaIndex(this.config.SCHEMA_BASE_URL) };
  }

  @PublicRoute({
    path: 'schemas/:type',
    summary: "The JSON Schema (draft-07) of one event type's data",
    params: { type: { example: 'street.issue.reported.v1' } },
    answers: { 400: 'not a wire name', 404: 'no such event type' },
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
  })
  @Header('Cache-Control', 'public, max-age=300')
  asyncapi(): Record<string, unknown> {
    return this.asyncApi;
  }
}
