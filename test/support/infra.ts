import { readFileSync } from 'node:fs';

/**
 * Where the integration and end-to-end tests find their servers: the
 * environment first (DATABASE_URL, KAFKA_BROKERS, MONGO_URL, and for the
 * identity provider KEYCLOAK_URL, KEYCLOAK_ADMIN_USER, KEYCLOAK_ADMIN_PASSWORD_FILE),
 * which `npm test` sets after bringing up the local stack (deploy/local). Without
 * them a test fails at once and says how to get the servers, rather than hanging.
 */
export interface TestInfra {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly mongoUrl: string;
  /** Keycloak, when its variables are set (only the tests that need it ask for it). */
  readonly keycloak?: KeycloakInfra;
}

/** Keycloak's address and bootstrap admin (master realm), password read from its file. */
export interface KeycloakInfra {
  readonly url: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

const KEYCLOAK_VARIABLES = ['KEYCLOAK_URL', 'KEYCLOAK_ADMIN_USER', 'KEYCLOAK_ADMIN_PASSWORD_FILE'];

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
  const withKeycloak = KEYCLOAK_VARIABLES.every((name) => process.env[name]);
  return {
    databaseUrl: need('DATABASE_URL'),
    kafkaBrokers: need('KAFKA_BROKERS').split(','),
    mongoUrl: need('MONGO_URL'),
    ...(withKeycloak ? { keycloak: keycloakInfra() } : {}),
  };
}

/** Keycloak of the local stack (`stack.sh env` prints the variables); fails clearly without it. */
export function keycloakInfra(): KeycloakInfra {
  const missing = KEYCLOAK_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0)
    throw new Error(
      `${missing.join(', ')} not set: these tests need Keycloak. Run them with \`npm test\` ` +
        '(it starts the local stack, Keycloak included), or run `npm run infra:up` and export ' +
        'what `bash deploy/local/stack.sh env` prints.',
    );
  const file = process.env['KEYCLOAK_ADMIN_PASSWORD_FILE']!;
  let adminPassword: string;
  try {
    adminPassword = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(
      `KEYCLOAK_ADMIN_PASSWORD_FILE=${file} cannot be read (${(error as Error).message}); ` +
        '`bash deploy/local/stack.sh up keycloak` writes it.',
    );
  }
  return { url: need('KEYCLOAK_URL'), adminUser: need('KEYCLOAK_ADMIN_USER'), adminPassword };
}

/** The S3-compatible evidence store of the local stack (EVIDENCE_S3_*, `stack.sh env`). */
export interface EvidenceStoreInfra {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The variables as the apps take them. */
  readonly env: Readonly<Record<string, string>>;
}

const EVIDENCE_VARIABLES = [
  'EVIDENCE_S3_ENDPOINT',
  'EVIDENCE_S3_ACCESS_KEY_ID',
  'EVIDENCE_S3_SECRET_KEY_FILE',
];

/** The evidence store, failing clearly when the stack's S3 server is not set up. */
export function evidenceStoreInfra(bucket?: string): EvidenceStoreInfra {
  const missing = EVIDENCE_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0)
    throw new Error(
      `${missing.join(', ')} not set: these tests need the S3 evidence store. Run them with ` +
        '`npm test` (it starts the local stack, SeaweedFS included), or run `npm run infra:up` ' +
        'and export what `bash deploy/local/stack.sh env` prints.',
    );
  const file = process.env['EVIDENCE_S3_SECRET_KEY_FILE']!;
  const env = {
    EVIDENCE_S3_ENDPOINT: need('EVIDENCE_S3_ENDPOINT'),
    EVIDENCE_S3_REGION: process.env['EVIDENCE_S3_REGION'] ?? 'us-east-1',
    EVIDENCE_S3_BUCKET: bucket ?? process.env['EVIDENCE_S3_BUCKET'] ?? 'gridline-evidence',
    EVIDENCE_S3_ACCESS_KEY_ID: need('EVIDENCE_S3_ACCESS_KEY_ID'),
    EVIDENCE_S3_SECRET_KEY_FILE: file,
  };
  return {
    endpoint: env.EVIDENCE_S3_ENDPOINT,
    region: env.EVIDENCE_S3_REGION,
    bucket: env.EVIDENCE_S3_BUCKET,
    accessKeyId: env.EVIDENCE_S3_ACCESS_KEY_ID,
    secretAccessKey: readFileSync(file, 'utf8').trim(),
    env,
  };
}

/** The apps' own database roles (deploy/local/lib/postgres.sh, docs/security.md). */
export type DatabaseRole = 'swc' | 'drc' | 'street' | 'gateway' | 'projector';

/**
 * The connection string of an app's own database role, to `database` — from
 * DATABASE_URL_<ROLE>, which `npm test` passes on from the local stack; undefined
 * when the servers were given without them.
 */
export function databaseRoleUrl(role: DatabaseRole, database: string): string | undefined {
  const given = process.env[`DATABASE_URL_${role.toUpperCase()}`];
  if (!given) return undefined;
  const url = new URL(given);
  url.pathname = `/${database}`;
  return url.toString();
}
