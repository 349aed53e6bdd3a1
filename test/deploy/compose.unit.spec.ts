// docker-compose.yml and its EventStoreDB override, checked without Docker (these
// machines have no engine): every app is built from the Dockerfile, has a health
// check, waits for healthy servers and gets every setting its configuration needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { appSettings, apps, environmentProblems, KEY_HOLDERS, ROOT } from './settings.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  profiles?: string[];
  volumes?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  entrypoint?: string[];
  user?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// `merge: true`: the file shares the apps' settings through YAML merge keys (<<).
const readCompose = (file: string) =>
  parse(readFileSync(path.join(ROOT, file), 'utf8'), { merge: true }) as Compose;
const compose = readCompose('docker-compose.yml');
const override = readCompose('deploy/docker/compose.eventstoredb.yml');
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** Compose passes every value as a string. */
const envOf = (s: ComposeService): Record<string, string> =>
  Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]),
  );
const healthCommand = (s: ComposeService) =>
  ([] as string[]).concat(s.healthcheck?.test ?? []).join(' ');

describe('docker-compose.yml', () => {
  it('has a service for each app, built from the Dockerfile with its APP', () => {
    for (const [app] of apps())
      expect(service(app).build).toEqual({
        context: '.',
        dockerfile: 'deploy/docker/Dockerfile',
        args: { APP: app },
      });
  });

  it('gives every app a health check, and a port of its own on the host', () => {
    for (const [app, port] of apps()) {
      expect({ app, health: healthCommand(service(app)) }).toEqual({
        app,
        health: 'CMD node healthcheck.mjs',
      });
      expect(service(app).ports).toEqual([`127.0.0.1:${port}:${port}`]);
    }
  });

  it('gives each app every setting it needs, with values its configuration accepts', () => {
    for (const [app, port] of apps())
      expect({ app, problems: environmentProblems(app, port, envOf(service(app))) }).toEqual({
        app,
        problems: [],
      });
  });

  it('starts an app only once the servers answer and the keys are made', () => {
    for (const [app] of apps()) {
      expect(service(app).depends_on).toMatchObject({
        keys: { condition: 'service_completed_successfully' },
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        mongo: { condition: 'service_healthy' },
      });
      expect(envOf(service(app))['MONGO_URL']).toMatch(/[?&]replicaSet=rs0(&|$)/);
    }
    // Every `service_healthy` condition waits on a service that has a health check.
    for (const [name, s] of Object.entries(compose.services))
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {}))
        if (condition === 'service_healthy')
          expect({ name, dependency, health: healthCommand(service(dependency)) }).not.toEqual({
            name,
            dependency,
            health: '',
          });
  });

  it('hardens the app containers as Kubernetes does', () => {
    for (const [app] of apps())
      expect(service(app)).toMatchObject({ read_only: true, cap_drop: ['ALL'] });
  });

  it('runs Kafka in KRaft mode, MongoDB as a replica set it initiates itself', () => {
    const kafka = envOf(service('kafka'));
    expect(kafka['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(Object.keys(kafka).filter((k) => /ZOOKEEPER/.test(k))).toEqual([]);
    expect(service('mongo').command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    // rs.initiate only when rs.status() fails: a restart does not initiate twice.
    expect(healthCommand(service('mongo'))).toMatch(
      /try \{ rs\.status\(\) \} catch[^}]*rs\.initiate/,
    );
  });

  it('holds no secret and makes the keys with a one-shot service', () => {
    const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN [A-Z ]*KEY/);
    expect(service('keys').volumes).toEqual(
      expect.arrayContaining([
        './.data/keys:/host-keys',
        'keys:/keys',
        'pii-key:/pii-key',
        'seal-key:/seal-key',
      ]),
    );
    // Each key's volume only where its file is read: the personal-data key in the
    // agencies' services, the seal key in the gateway, the S3 identity in the apps
    // that keep evidence.
    for (const [app] of apps()) {
      const env = envOf(service(app));
      expect({ app, volumes: service(app).volumes }).toEqual({
        app,
        volumes: [
          'keys:/keys:ro',
          ...(env['PII_MASTER_KEY_FILE'] ? ['pii-key:/run/secrets/pii:ro'] : []),
          ...(env['LOG_SEAL_KEY_FILE'] ? ['seal-key:/run/secrets/seal:ro'] : []),
          ...(env['EVIDENCE_S3_SECRET_KEY_FILE'] ? ['s3-secrets:/run/secrets/s3:ro'] : []),
          // Kafka: the CA every client trusts, and this app's own password only.
          'kafka-ca:/run/secrets/kafka-ca:ro',
          `kafka-${app.replace(/-service$/, '')}:/run/secrets/kafka:ro`,
        ],
      });
      expect({ app, pii: env['PII_MASTER_KEY_FILE'] !== undefined }).toEqual({
        app,
        pii: KEY_HOLDERS.includes(app),
      });
      expect({ app, seal: env['LOG_SEAL_KEY_FILE'] !== undefined }).toEqual({
        app,
        seal: app === 'gateway',
      });
    }
  });

  it("signs each app in to PostgreSQL as its own role, after the owner's migration", () => {
    for (const [app] of apps()) {
      const url = new URL(envOf(service(app))['DATABASE_URL'] ?? '');
      expect({ app, role: url.username }).toEqual({
        app,
        role: `gridline_${app.replace(/-service$/, '')}`,
      });
    }
    const migrate = service('migrate');
    expect(new URL(envOf(migrate)['DATABASE_URL'] ?? '').username).toBe('gridline');
    expect(migrate.command).toEqual(['node', 'dist/libs/store-postgres/src/migrate.js']);
    expect(service('postgres').volumes).toEqual(
      expect.arrayContaining([
        './deploy/docker/postgres-roles.sh:/docker-entrypoint-initdb.d/30-roles.sh:ro',
        './deploy/postgres/roles.sql:/gridline/roles.sql:ro',
      ]),
    );
    // The passwords of the roles the init script makes are those the apps sign in with.
    const init = readFileSync(path.join(ROOT, 'deploy/docker/postgres-roles.sh'), 'utf8');
    for (const [app] of apps()) {
      const url = new URL(envOf(service(app))['DATABASE_URL'] ?? '');
      expect(init).toContain(`${url.username.replace(/^gridline_/, '')}_password=${url.password}`);
    }
  });

  it('signs each app in to Kafka as its own user over TLS, once the owner has granted the rights', () => {
    for (const [app] of apps()) {
      const env = envOf(service(app));
      expect({ app, kafka: env }).toMatchObject({
        app,
        kafka: {
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: `gridline-${app.replace(/-service$/, '')}`,
          KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka/password',
          KAFKA_TLS_CA_FILE: '/run/secrets/kafka-ca/ca.pem',
        },
      });
      expect(service(app).depends_on).toMatchObject({
        'kafka-acls': { condition: 'service_completed_successfully' },
      });
    }
    // Every listener of the broker is authenticated: SASL over TLS, or mutual TLS.
    const kafka = envOf(service('kafka'));
    const protocols = (kafka['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'] ?? '')
      .split(',')
      .map((pair) => pair.split(':')[1]);
    expect(new Set(protocols)).toEqual(new Set(['SASL_SSL', 'SSL']));
    for (const listener of ['INTERNAL', 'CONTROLLER'])
      expect(kafka[`KAFKA_LISTENER_NAME_${listener}_SSL_CLIENT_AUTH`]).toBe('required');
    expect(kafka['KAFKA_AUTHORIZER_CLASS_NAME']).toMatch(/StandardAuthorizer$/);
    expect(kafka['KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND']).toBe('false');
    // Store passwords come from the secrets volume, not this file.
    // (`$$` is compose's escape of a literal `$`.)
    expect(kafka['KAFKA_SSL_KEYSTORE_PASSWORD']).toBe(
      '$${file:/secrets/store.properties:password}',
    );
    const acls = service('kafka-acls');
    expect(acls.command).toEqual(['node', 'dist/libs/messaging/src/provision.js']);
    expect(envOf(acls)['KAFKA_SASL_USERNAME']).toBe('gridline-admin');
    // The one-shot that makes the passwords writes each app's into that app's volume.
    const secrets = readFileSync(path.join(ROOT, 'deploy/docker/kafka-secrets.sh'), 'utf8');
    for (const [app] of apps())
      expect(service('kafka-secrets').volumes).toContain(
        `kafka-${app.replace(/-service$/, '')}:/kafka-${app.replace(/-service$/, '')}`,
      );
    expect(secrets).toMatch(/for user in admin swc drc street gateway projector; do/);
  });

  it('runs SeaweedFS pinned, with its S3 identities, the evidence bucket locked, for the apps that keep evidence', () => {
    const seaweedfs = service('seaweedfs');
    expect(seaweedfs.image).toBe('chrislusf/seaweedfs:4.53');
    const command = ([] as string[]).concat(seaweedfs.command ?? []);
    expect(command[0]).toBe('server');
    expect(command).toEqual(
      expect.arrayContaining([
        '-filer',
        '-s3',
        '-s3.port=8333',
        '-ip.bind=127.0.0.1',
        '-s3.ip.bind=0.0.0.0',
        '-master.volumePreallocate=false',
        '-master.telemetry=false',
        // Signed requests of the one-shot's identity only (no anonymous access).
        '-s3.config=/run/secrets/s3/s3.json',
      ]),
    );
    expect(seaweedfs.volumes).toEqual(
      expect.arrayContaining(['seaweedfs:/data', 's3-secrets:/run/secrets/s3:ro']),
    );
    expect(seaweedfs.depends_on).toMatchObject({
      's3-secrets': { condition: 'service_completed_successfully' },
    });
    expect(seaweedfs).toMatchObject({ user: '1000:1000', read_only: true, cap_drop: ['ALL'] });
    expect(seaweedfs.ports).toEqual(['127.0.0.1:18333:8333']);
    // The one-shot grants the access key id the apps are given.
    const secrets = service('s3-secrets');
    expect(secrets.volumes).toContain('s3-secrets:/secrets');
    const readers = [...apps()].filter(
      ([app, port]) => 'EVIDENCE_S3_ENDPOINT' in appSettings(app, port),
    );
    expect(readers.map(([app]) => app)).toContain('street-service');
    for (const [app] of readers) {
      const env = envOf(service(app));
      expect(env).toMatchObject({
        EVIDENCE_S3_ENDPOINT: 'http://seaweedfs:8333',
        EVIDENCE_S3_ACCESS_KEY_ID: envOf(secrets)['S3_ACCESS_KEY_ID'],
        EVIDENCE_S3_SECRET_KEY_FILE: '/run/secrets/s3/secret-key',
      });
      // Healthy only once the bucket exists, made with Object Lock when missing.
      expect(healthCommand(seaweedfs)).toContain(
        `s3.bucket.create -name ${env['EVIDENCE_S3_BUCKET']} -withLock`,
      );
      expect(service(app).depends_on).toMatchObject({
        seaweedfs: { condition: 'service_healthy' },
      });
    }
    for (const [app] of apps())
      if (!readers.some(([reader]) => reader === app))
        expect({
          app,
          s3: Object.keys(envOf(service(app))).filter((k) => k.startsWith('EVIDENCE_S3_')),
        }).toEqual({ app, s3: [] });
  });

  it('runs Keycloak pinned, in production mode on the PostgreSQL, with the repo realm and a health check', () => {
    const keycloak = service('keycloak');
    expect(keycloak.image).toBe('quay.io/keycloak/keycloak:26.4.7');
    const env = envOf(keycloak);
    expect(env).toMatchObject({
      KC_DB: 'postgres',
      KC_DB_URL: 'jdbc:postgresql://postgres:5432/keycloak',
      KC_DB_USERNAME: 'keycloak',
      KC_HEALTH_ENABLED: 'true',
    });
    // Passwords come from the secrets volume at start, never from the file.
    expect(Object.keys(env).filter((k) => /PASSWORD/.test(k))).toEqual([]);
    expect((keycloak.entrypoint ?? []).join(' ')).toMatch(/kc\.sh start --import-realm$/);
    expect(keycloak.volumes).toContain('./deploy/keycloak:/opt/keycloak/data/import:ro');
    expect(healthCommand(keycloak)).toMatch(/127\.0\.0\.1\/9000.*\/health\/ready/);
    expect(keycloak.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    expect(keycloak.ports).toEqual(['127.0.0.1:18080:8080']);
    expect(keycloak.cap_drop).toEqual(['ALL']);
    // PostgreSQL makes Keycloak's database on a new volume.
    expect(service('postgres').volumes).toContain(
      './deploy/docker/postgres-keycloak.sh:/docker-entrypoint-initdb.d/20-keycloak.sh:ro',
    );
  });

  it('declares every named volume it uses', () => {
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    for (const volume of named) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('deploy/docker/compose.eventstoredb.yml', () => {
  it('switches every app to EventStoreDB with settings its configuration accepts', () => {
    for (const [app, port] of apps()) {
      const extra = override.services[app];
      expect({ app, overridden: extra !== undefined }).toEqual({ app, overridden: true });
      // Compose merges an override's environment into the service's.
      const env = { ...envOf(service(app)), ...envOf(extra!) };
      expect(env['EVENT_STORE']).toBe('eventstoredb');
      expect({ app, problems: environmentProblems(app, port, env) }).toEqual({ app, problems: [] });
      expect(extra!.depends_on).toEqual({ kurrentdb: { condition: 'service_healthy' } });
    }
  });

  it('uses the KurrentDB service of docker-compose.yml, which only its profile starts', () => {
    const kurrentdb = service('kurrentdb');
    expect(kurrentdb.profiles).toEqual(['eventstoredb']);
    expect(healthCommand(kurrentdb)).not.toBe('');
    const url = new URL(envOf(override.services['gateway']!)['EVENTSTORE_URL'] ?? '');
    expect(url.hostname).toBe('kurrentdb');
  });
});
