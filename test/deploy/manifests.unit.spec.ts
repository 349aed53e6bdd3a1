// The Kubernetes manifests of deploy/k8s, checked without a cluster: every document
// against the Kubernetes schemas, kustomization.yaml against the folder, and our
// own rules (probes, limits, hardening, selectors, scaling, settings). No cluster
// is reached: `kubectl apply` may still refuse what a schema allows (docs/deployment.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import {
  containerEnv,
  deploymentProblems,
  K8S_DIR,
  NAMESPACE,
  NOT_APPLIED,
  nameOf,
  ofKind,
  parseYaml,
  readManifests,
  schemaProblems,
  selects,
  SERVERS,
  yamlFiles,
} from './k8s.js';
import { appSettings, apps, environmentProblems, KEY_HOLDERS, ROOT } from './settings.js';

const manifests = readManifests();
const allDeployments = ofKind(manifests, 'Deployment');
/** The apps' Deployments; the servers beside them (Keycloak) have rules of their own below. */
const deployments = allDeployments.filter(
  (d) => !(SERVERS as readonly string[]).includes(d.metadata?.name ?? ''),
);
const services = ofKind(manifests, 'Service');
const autoscalers = ofKind(manifests, 'HorizontalPodAutoscaler');
const budgets = ofKind(manifests, 'PodDisruptionBudget');
const podLabels = (d: IDeployment) => d.spec?.template.metadata?.labels;

interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}
const kustomization = parse(
  readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8'),
) as Kustomization;

/** Partitions of each agency topic: the default of ensureTopics in libs/messaging. */
function partitionsPerTopic(): number {
  const source = readFileSync(path.join(ROOT, 'libs/messaging/src/kafka.ts'), 'utf8');
  const found = /export async function ensureTopics\([^)]*?numPartitions = (\d+)/s.exec(source);
  if (!found) throw new Error('libs/messaging/src/kafka.ts: ensureTopics numPartitions not found');
  return Number(found[1]);
}

describe('deploy/k8s', () => {
  it('holds manifests to check', () => {
    expect(manifests.length).toBeGreaterThan(10);
  });

  it('has only known kinds, each valid against the Kubernetes schemas', () => {
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
  });

  it('lists every manifest in kustomization.yaml, and lists nothing else', () => {
    expect(kustomization).toMatchObject({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: NAMESPACE,
    });
    const listed = [...(kustomization.resources ?? [])].sort();
    const files = yamlFiles().filter((f) => f !== 'kustomization.yaml' && !(f in NOT_APPLIED));
    expect(listed).toEqual(files);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('sets every image the Deployments use, and no other, in kustomization.yaml', () => {
    const used = allDeployments
      .flatMap((d) => d.spec?.template.spec?.containers ?? [])
      .map((c) => c.image?.split(':')[0]);
    expect((kustomization.images ?? []).map((i) => i.name).sort()).toEqual([...used].sort());
  });

  it('puts every object in the gridline namespace', () => {
    const outside = manifests
      .filter((m) => m.doc['kind'] !== 'Namespace')
      .filter((m) => (m.doc['metadata'] as { namespace?: string }).namespace !== NAMESPACE)
      .map(nameOf);
    expect(outside).toEqual([]);
    expect(ofKind(manifests, 'Namespace').map((n) => n.metadata?.name)).toEqual([NAMESPACE]);
  });

  it('deploys each app of the monorepo once, and the servers beside them', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual([...apps().keys()]);
    expect(allDeployments.map((d) => d.metadata?.name).filter((n) => !apps().has(n!))).toEqual([
      ...SERVERS,
    ]);
  });

  it('gives every container probes, requests and limits, and no privileges', () => {
    expect(allDeployments.flatMap(deploymentProblems)).toEqual([]);
  });

  it('runs Keycloak pinned, optimized, with the repo realm and its passwords from a Secret', () => {
    const keycloak = allDeployments.find((d) => d.metadata?.name === 'keycloak')!;
    const pod = keycloak.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.image).toBe('quay.io/keycloak/keycloak:26.4.7');
    expect(pod.initContainers?.map((c) => c.image)).toEqual(['quay.io/keycloak/keycloak:26.4.7']);
    expect(container.args).toEqual(['start', '--optimized', '--import-realm']);
    // The init container's build is what --optimized starts.
    expect(pod.initContainers![0]!.command!.join(' ')).toMatch(
      /kc\.sh build --db=postgres --health-enabled=true/,
    );
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
    for (const secret of ['KC_DB_PASSWORD', 'KC_BOOTSTRAP_ADMIN_PASSWORD']) {
      expect(env[secret]?.value).toBeUndefined();
      expect(env[secret]?.valueFrom?.secretKeyRef?.name).toBe('keycloak-secrets');
    }
    const secrets = ofKind(manifests, 'Secret');
    expect(
      Object.keys(secrets.find((s) => s.metadata?.name === 'keycloak-secrets')!.stringData!),
    ).toEqual(['db-password', 'admin-password']);
    // The apps trust the realm's issuer.
    const config = ofKind(manifests, 'ConfigMap').find(
      (c) => c.metadata?.name === 'gridline-config',
    )!;
    expect(config.data?.['JWT_ISSUER']).toBe(`${env['KC_HOSTNAME']?.value}/realms/gridline`);
    // The realm ConfigMap holds the repo's realm file as it is, mounted as the import folder.
    const realm = ofKind(manifests, 'ConfigMap').find((c) => c.metadata?.name === 'keycloak-realm');
    expect({
      realmConfigMap: realm?.data?.['gridline-realm.json'],
      regenerate: 'node scripts/keycloak-realm-configmap.mjs',
    }).toEqual({
      realmConfigMap: readFileSync(path.join(ROOT, 'deploy/keycloak/gridline-realm.json'), 'utf8'),
      regenerate: 'node scripts/keycloak-realm-configmap.mjs',
    });
    const mount = container.volumeMounts?.find((m) => m.mountPath === '/opt/keycloak/data/import');
    expect(pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name).toBe(
      'keycloak-realm',
    );
    // A Service for HTTP and a disruption budget that find its pods.
    const labels = podLabels(keycloak);
    expect(
      services.filter((s) => selects(s.spec?.selector, labels)).map((s) => s.metadata?.name),
    ).toEqual(['keycloak']);
    expect(budgets.filter((b) => selects(b.spec?.selector?.matchLabels, labels))).toHaveLength(1);
  });

  it('runs SeaweedFS pinned, on a claim, with S3 identities from a Secret and the evidence bucket locked', () => {
    const seaweedfs = allDeployments.find((d) => d.metadata?.name === 'seaweedfs')!;
    const pod = seaweedfs.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.image).toBe('chrislusf/seaweedfs:4.53');
    // One writer of the volume, even during a rollout.
    expect(seaweedfs.spec?.replicas).toBe(1);
    expect(seaweedfs.spec?.strategy?.type).toBe('Recreate');
    const args = container.args ?? [];
    expect(args[0]).toBe('server');
    expect(args).toEqual(
      expect.arrayContaining([
        '-filer',
        '-s3',
        '-s3.port=8333',
        // Master, volume server and filer on the loopback, only S3 on the pod's network.
        '-ip.bind=127.0.0.1',
        '-s3.ip.bind=0.0.0.0',
        '-master.volumePreallocate=false',
        '-master.telemetry=false',
        '-s3.port.iceberg=0',
        '-s3.port.lance=0',
      ]),
    );
    const volumeOf = (path: string) => {
      const mount = container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}`));
      return { mount, volume: pod.volumes?.find((v) => v.name === mount?.name) };
    };
    // Data on the claim.
    const dir = args.find((a) => a.startsWith('-dir='))?.slice('-dir='.length) ?? '';
    const data = volumeOf(dir);
    expect(data.mount?.mountPath).toBe(dir);
    const claim = ofKind(manifests, 'PersistentVolumeClaim').find(
      (c) => c.metadata?.name === data.volume?.persistentVolumeClaim?.claimName,
    );
    expect(claim?.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim?.spec?.resources?.requests?.['storage']).toBeDefined();
    // Identities from the Secret (without them SeaweedFS accepts any credentials).
    const config = args.find((a) => a.startsWith('-s3.config='))?.slice('-s3.config='.length) ?? '';
    const identities = volumeOf(config);
    expect(identities.volume?.secret?.secretName).toBe('seaweedfs-secrets');
    const item = identities.volume?.secret?.items?.find(
      (i) => `${identities.mount?.mountPath}/${i.path}` === config,
    );
    const secrets = ofKind(manifests, 'Secret');
    const s3json = secrets.find((s) => s.metadata?.name === 'seaweedfs-secrets')?.stringData?.[
      item?.key ?? ''
    ];
    const parsed = JSON.parse(s3json ?? '{}') as {
      identities?: { name: string; credentials?: unknown[]; actions: string[] }[];
    };
    expect(parsed.identities?.map((i) => i.name)).toEqual(['gridline']);
    expect(parsed.identities?.[0]?.credentials).toHaveLength(1);
    expect(parsed.identities?.[0]?.actions).toEqual(
      expect.arrayContaining(['Admin', 'Read', 'Write', 'List']),
    );
    // The bucket street-service uses, made with Object Lock when missing.
    const street = deployments.find((d) => d.metadata?.name === 'street-service')!;
    const streetEnv = Object.fromEntries(
      (street.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e]),
    );
    const bucket = streetEnv['EVIDENCE_S3_BUCKET']?.value ?? '?';
    expect((container.lifecycle?.postStart?.exec?.command ?? []).join(' ')).toContain(
      `s3.bucket.create -name ${bucket} -withLock`,
    );
    // street-service's endpoint is this Service's S3 port.
    const endpoint = new URL(streetEnv['EVIDENCE_S3_ENDPOINT']?.value ?? 'http://?');
    const service = services.find((s) => s.metadata?.name === endpoint.hostname);
    expect(selects(service?.spec?.selector, podLabels(seaweedfs))).toBe(true);
    expect(service?.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([
      [Number(endpoint.port), 's3'],
    ]);
    // The key pair from gridline-secrets: the id as a variable, the secret only as a file.
    expect(streetEnv['EVIDENCE_S3_ACCESS_KEY_ID']?.valueFrom?.secretKeyRef?.name).toBe(
      'gridline-secrets',
    );
    expect(Object.keys(streetEnv).filter((n) => /SECRET_(ACCESS_)?KEY$/.test(n))).toEqual([]);
  });

  it('gives every app that keeps evidence files the S3 store, and no other app', () => {
    const configMaps = ofKind(manifests, 'ConfigMap');
    const secrets = ofKind(manifests, 'Secret');
    const evidence = [
      'EVIDENCE_S3_ENDPOINT',
      'EVIDENCE_S3_REGION',
      'EVIDENCE_S3_BUCKET',
      'EVIDENCE_S3_ACCESS_KEY_ID',
      'EVIDENCE_S3_SECRET_KEY_FILE',
    ];
    const readers = [...apps()].filter(
      ([app, port]) => 'EVIDENCE_S3_ENDPOINT' in appSettings(app, port),
    );
    expect(readers.map(([app]) => app)).toContain('street-service');
    for (const deployment of deployments) {
      const name = deployment.metadata?.name ?? '?';
      const { env } = containerEnv(
        deployment.spec!.template.spec!.containers[0]!,
        configMaps,
        secrets,
      );
      const given = evidence.filter((v) => env[v] !== undefined);
      expect({ name, given }).toEqual({
        name,
        given: readers.some(([app]) => app === name) ? evidence : [],
      });
    }
  });

  it('gives each key and role only to who uses it: the personal-data key to the agencies, the seal key to the gateway, the owner to the migration', () => {
    const configMaps = ofKind(manifests, 'ConfigMap');
    const secrets = ofKind(manifests, 'Secret');
    const secretKeys = (container: IContainer) =>
      (container.env ?? []).flatMap((e) =>
        e.valueFrom?.secretKeyRef?.key ? [e.valueFrom.secretKeyRef.key] : [],
      );
    for (const deployment of deployments) {
      const name = deployment.metadata?.name ?? '?';
      const container = deployment.spec!.template.spec!.containers[0]!;
      const { env } = containerEnv(container, configMaps, secrets);
      const mounted = (deployment.spec!.template.spec!.volumes ?? []).flatMap(
        (v) => v.secret?.items?.map((i) => i.key) ?? [],
      );
      expect({
        name,
        pii: env['PII_MASTER_KEY_FILE'] !== undefined,
        seal: env['LOG_SEAL_KEY_FILE'] !== undefined,
        database: secretKeys(container).filter((k) => k.startsWith('database-url')),
        keys: mounted.filter((k) => ['pii-master.key', 'log-seal.key'].includes(k)),
        kafka: {
          user: env['KAFKA_SASL_USERNAME'],
          mechanism: env['KAFKA_SASL_MECHANISM'],
          passwords: mounted.filter((k) => k.startsWith('kafka-password')),
          ca: mounted.includes('kafka-ca.pem') && Boolean(env['KAFKA_TLS_CA_FILE']),
        },
      }).toEqual({
        name,
        pii: KEY_HOLDERS.includes(name),
        seal: name === 'gateway',
        database: [`database-url-${name.replace(/-service$/, '')}`],
        keys: KEY_HOLDERS.includes(name)
          ? ['pii-master.key']
          : name === 'gateway'
            ? ['log-seal.key']
            : [],
        // Each app signs in to Kafka as its own user, with its own password only.
        kafka: {
          user: `gridline-${name.replace(/-service$/, '')}`,
          mechanism: 'scram-sha-512',
          passwords: [`kafka-password-${name.replace(/-service$/, '')}`],
          ca: true,
        },
      });
    }
    const jobs = manifests.filter((m) => m.doc['kind'] === 'Job');
    expect(jobs.map((m) => m.file)).toEqual(['migrate.yaml']);
    const job = jobs[0]!.doc as { spec: { template: { spec: { containers: IContainer[] } } } };
    const [migrate, kafkaAcls] = job.spec.template.spec.containers;
    expect(secretKeys(migrate!)).toEqual(['database-url-owner']);
    // Kafka's owner grants the rights, in the same Job; no app holds its password.
    expect(kafkaAcls!.command).toEqual(['node', 'dist/libs/messaging/src/provision.js']);
    const jobVolumes = (job.spec.template.spec as { volumes?: IVolume[] }).volumes ?? [];
    expect(jobVolumes.flatMap((v) => v.secret?.items?.map((i) => i.key) ?? [])).toEqual([
      'kafka-password-owner',
      'kafka-ca.pem',
    ]);
  });

  it('gives every Deployment a Service, an autoscaler and a disruption budget that find its pods', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata?.name;
      const containerPorts = (deployment.spec?.template.spec?.containers ?? []).flatMap(
        (c) => c.ports ?? [],
      );
      const service = services.find((s) => selects(s.spec?.selector, podLabels(deployment)));
      expect({ name, service: service?.metadata?.name }).toEqual({ name, service: name });
      for (const port of service?.spec?.ports ?? [])
        expect(containerPorts.map((p) => p.name)).toContain(port.targetPort);
      expect(containerPorts.map((p) => p.containerPort)).toEqual([apps().get(name ?? '')]);

      const budget = budgets.filter((b) =>
        selects(b.spec?.selector?.matchLabels, podLabels(deployment)),
      );
      expect({ name, budgets: budget.length }).toEqual({ name, budgets: 1 });

      const hpa = autoscalers.filter(
        (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name,
      );
      expect({ name, autoscalers: hpa.length }).toEqual({ name, autoscalers: 1 });
      // A replica count beside an autoscaler is reset by every apply.
      expect({ name, replicas: deployment.spec?.replicas }).toEqual({ name, replicas: undefined });
    }
  });

  it('has no Service, budget or autoscaler without its Deployment', () => {
    const orphans = [
      ...services
        .filter((s) => !allDeployments.some((d) => selects(s.spec?.selector, podLabels(d))))
        .map((s) => `Service/${s.metadata?.name}`),
      ...budgets
        .filter(
          (b) => !allDeployments.some((d) => selects(b.spec?.selector?.matchLabels, podLabels(d))),
        )
        .map((b) => `PodDisruptionBudget/${b.metadata?.name}`),
      ...autoscalers
        .filter(
          (h) =>
            h.spec?.scaleTargetRef.apiVersion !== 'apps/v1' ||
            !deployments.some((d) => d.metadata?.name === h.spec?.scaleTargetRef.name),
        )
        .map((h) => `HorizontalPodAutoscaler/${h.metadata?.name}`),
    ];
    expect(orphans).toEqual([]);
  });

  it('scales within sane bounds, the projector no further than a topic has partitions', () => {
    for (const hpa of autoscalers) {
      const { minReplicas = 1, maxReplicas } = hpa.spec ?? { maxReplicas: 0 };
      expect(minReplicas).toBeGreaterThanOrEqual(1);
      expect(maxReplicas).toBeGreaterThanOrEqual(minReplicas);
    }
    const projector = autoscalers.find((h) => h.spec?.scaleTargetRef.name === 'projector');
    expect(projector?.spec?.maxReplicas).toBeLessThanOrEqual(partitionsPerTopic());
    // Agency services run two or more: safe because one relay holds the lease.
    for (const agency of ['swc-service', 'drc-service', 'street-service'])
      expect(
        autoscalers.find((h) => h.spec?.scaleTargetRef.name === agency)?.spec?.minReplicas,
      ).toBeGreaterThanOrEqual(2);
  });

  it('gives each app every setting it needs, with values its configuration accepts', () => {
    const configMaps = ofKind(manifests, 'ConfigMap');
    const secrets = ofKind(manifests, 'Secret');
    for (const deployment of deployments) {
      const name = deployment.metadata?.name ?? '?';
      const container = deployment.spec?.template.spec?.containers[0];
      const { env, problems } = containerEnv(container!, configMaps, secrets);
      expect({
        name,
        problems: [...problems, ...environmentProblems(name, apps().get(name)!, env)],
      }).toEqual({
        name,
        problems: [],
      });
    }
  });

  it('mounts the key files where the settings say they are', () => {
    const configMaps = ofKind(manifests, 'ConfigMap');
    const secrets = ofKind(manifests, 'Secret');
    for (const deployment of deployments) {
      const pod = deployment.spec?.template.spec;
      const container = pod?.containers[0];
      const { env } = containerEnv(container!, configMaps, secrets);
      // Every file setting the app is given (the personal-data key always to an agency's).
      const fileSettings = new Set([
        ...(KEY_HOLDERS.includes(deployment.metadata?.name ?? '') ? ['PII_MASTER_KEY_FILE'] : []),
        ...Object.keys(env).filter((n) => n.endsWith('_FILE')),
      ]);
      for (const setting of fileSettings) {
        const file = env[setting] ?? '';
        const mount = container?.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
        const volume = pod?.volumes?.find((v) => v.name === mount?.name);
        const secret = secrets.find((s) => s.metadata?.name === volume?.secret?.secretName);
        const item = volume?.secret?.items?.find(
          (i) => i.path === file.slice((mount?.mountPath.length ?? 0) + 1),
        );
        expect({
          setting,
          file,
          key: item && secret?.stringData?.[item.key] !== undefined,
        }).toEqual({
          setting,
          file,
          key: true,
        });
      }
    }
  });

  it('keeps only placeholders in the Secret template, and never applies it', () => {
    const secrets = ofKind(manifests, 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.data).toBeUndefined();
      for (const [key, value] of Object.entries(secret.stringData ?? {}))
        expect({ key, placeholder: value.includes('REPLACE-ME') }).toEqual({
          key,
          placeholder: true,
        });
    }
    const applied = (kustomization.resources ?? []).flatMap((file) =>
      parseYaml(readFileSync(path.join(K8S_DIR, file), 'utf8'), file),
    );
    expect(applied.filter((m) => m.doc['kind'] === 'Secret').map(nameOf)).toEqual([]);
  });
});

describe('the manifest checks refuse what is broken', () => {
  const real = deployments.find((d) => d.metadata?.name === 'gateway')!;
  const copy = (): IDeployment => structuredClone(real);
  const asManifest = (doc: object) => ({
    file: 'broken.yaml',
    doc: doc as Record<string, unknown>,
  });

  it('accepts the real Deployment it starts from', () => {
    expect(schemaProblems(asManifest(real))).toEqual([]);
    expect(deploymentProblems(real)).toEqual([]);
  });

  it('refuses a replica count that is not a number', () => {
    const broken = { ...copy(), spec: { ...copy().spec, replicas: 'two' } };
    expect(schemaProblems(asManifest(broken)).join()).toMatch(/replicas must be integer/);
  });

  it('refuses a container without a name', () => {
    const broken = copy();
    delete (broken.spec!.template.spec!.containers[0] as { name?: string }).name;
    expect(schemaProblems(asManifest(broken)).join()).toMatch(
      /containers\/0 must have required property name/,
    );
  });

  it('refuses a kind it does not know', () => {
    expect(schemaProblems(asManifest({ ...copy(), kind: 'Deploymnet' })).join()).toMatch(
      /unknown kind apps\/v1\/Deploymnet/,
    );
  });

  it('refuses YAML that does not parse', () => {
    expect(() => parseYaml('kind: Service\n  metadata: [', 'broken.yaml')).toThrow(/broken\.yaml/);
  });

  it('names a container without probes, limits or hardening', () => {
    const broken = copy();
    const container = broken.spec!.template.spec!.containers[0]!;
    delete container.readinessProbe;
    delete container.resources!.limits;
    container.securityContext = { runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } };
    container.image = 'gridline/gateway:latest';
    broken.spec!.template.spec!.securityContext = {};
    const problems = deploymentProblems(broken).join('\n');
    for (const expected of [
      'no readinessProbe',
      'no cpu in resources.limits',
      'no memory in resources.limits',
      'may escalate privileges',
      'root filesystem is writable',
      'runs as root',
      'does not drop ALL capabilities',
      'seccomp profile is not RuntimeDefault',
      'runAsNonRoot is not true',
      'has no pinned tag',
    ])
      expect(problems).toContain(expected);
  });

  it('names a selector that misses the pods', () => {
    const broken = copy();
    broken.spec!.selector.matchLabels = { 'app.kubernetes.io/name': 'gateway-typo' };
    expect(deploymentProblems(broken).join()).toMatch(/selector does not match/);
  });

  it('names a missing setting, a misspelt one and a value the configuration refuses', () => {
    const problems = environmentProblems('gateway', 3000, {
      HOST: '0.0.0.0',
      DATABASE_URL: 'mysql://db/gridline',
      KAFKA_BROKERS: 'kafka:9092',
      JWT_PUBLIC_KEY_FILE: '/keys/jwt.pem',
      SCHEMA_BASE_URL: 'https://gridline.example.gov/api/schemas/',
      MONGO_URLL: 'mongodb://mongo/gridline',
    }).join('\n');
    expect(problems).toContain('MONGO_URLL is read by no app');
    expect(problems).toContain('MONGO_URL is not set');
    expect(problems).toContain('DATABASE_URL must be a postgres: or postgresql: URL');
    // The personal-data key is the agency services' alone: the gateway may go without.
    expect(problems).not.toContain('PII_MASTER_KEY_FILE');
    const street = environmentProblems('street-service', 3003, {
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://db/gridline',
    }).join('\n');
    expect(street).toContain('PII_MASTER_KEY_FILE is not set');
  });
});
