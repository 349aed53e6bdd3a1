/**
 * Where the integration and end-to-end tests find their servers: the
 * environment first (DATABASE_URL, KAFKA_BROKERS, MONGO_URL), which `npm test`
 * sets after bringing up the local stack (deploy/local). Without them a test
 * fails at once and says how to get the servers, rather than hanging.
 */
export interface TestInfra {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly mongoUrl: string;
}

function need(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set. Run the tests with \`npm test\` (it starts the local stack), ` +
        'or start it yourself with `npm run infra:up` and export the variables it prints.',
    );
  return value;
}

export function testInfra(): TestInfra {
  return {
    databaseUrl: need('DATABASE_URL'),
    kafkaBrokers: need('KAFKA_BROKERS').split(','),
    mongoUrl: need('MONGO_URL'),
  };
}
