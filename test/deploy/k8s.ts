/**
 * Reading and checking the Kubernetes manifests of deploy/k8s without a cluster:
 * each document against the Kubernetes OpenAPI schemas (kubernetes-models), then
 * against Gridline's own rules (probes, limits, hardening, matching selectors).
 * Every check returns the problems it finds, so a test can show that a broken
 * manifest is refused as well as that ours pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import {
  PodDisruptionBudget,
  type IPodDisruptionBudget,
} from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace, type INamespace } from 'kubernetes-models/v1/Namespace';
import {
  PersistentVolumeClaim,
  type IPersistentVolumeClaim,
} from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';

export const K8S_DIR = path.resolve(import.meta.dirname, '../../deploy/k8s');
export const NAMESPACE = 'gridline';
/** Servers deployed beside the apps (Deployments that are not an app of the monorepo). */
export const SERVERS = ['keycloak', 'seaweedfs'] as const;
/** Health paths of each probe: the apps' and Keycloak's, unless a server has its own. */
const PROBE_PATHS = {
  startupProbe: '/health/live',
  livenessProbe: '/health/live',
  readinessProbe: '/health/ready',
} as const;
type ProbePaths = { readonly [probe in keyof typeof PROBE_PATHS]: string };
const SERVER_PROBE_PATHS: Readonly<Record<string, ProbePaths>> = {
  // The S3 gateway's own (SeaweedFS has no /health/*).
  seaweedfs: { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' },
};
/** Files of deploy/k8s deliberately kept out of kustomization.yaml, with the reason. */
export const NOT_APPLIED: Readonly<Record<string, string>> = {
  'secret.template.yaml': 'placeholders only; the real Secret is made outside the repository',
};

/** The kinds we deploy, each with the model that holds its schema. */
const MODELS = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
} as const;

export interface Manifest {
  readonly file: string;
  readonly doc: Record<string, unknown>;
}

/** Every YAML document of every .yaml/.yml file of a folder, kustomization.yaml aside. */
export function readManifests(dir = K8S_DIR): Manifest[] {
  return yamlFiles(dir)
    .filter((file) => file !== 'kustomization.yaml')
    .flatMap((file) => parseYaml(readFileSync(path.join(dir, file), 'utf8'), file));
}

export function yamlFiles(dir = K8S_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** All documents of a YAML text; a syntax error fails loudly with the file named. */
export function parseYaml(text: string, file: string): Manifest[] {
  return parseAllDocuments(text)
    .filter((d) => d.contents !== null)
    .map((d) => {
      if (d.errors.length > 0)
        throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      const doc: unknown = d.toJS();
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
        throw new Error(`${file}: a document is not a mapping`);
      return { file, doc: doc as Record<string, unknown> };
    });
}

export function nameOf(m: Manifest): string {
  const meta = m.doc['metadata'] as { name?: string } | undefined;
  return `${m.file}: ${String(m.doc['kind'])}/${meta?.name ?? '?'}`;
}

/** Schema problems of one document: an unknown apiVersion/kind is one, too. */
export function schemaProblems(m: Manifest): string[] {
  const key = `${String(m.doc['apiVersion'])}/${String(m.doc['kind'])}`;
  const Model = (MODELS as Record<string, (new (data: never) => { validate(): void }) | undefined>)[
    key
  ];
  if (!Model) return [`${nameOf(m)}: unknown kind ${key} (add its model to test/deploy/k8s.ts)`];
  try {
    const { apiVersion: _a, kind: _k, ...data } = m.doc;
    new Model(data as never).validate();
    return [];
  } catch (error) {
    return [`${nameOf(m)}: ${(error as Error).message}`];
  }
}

/** The manifests of one kind, typed after they passed the schema. */
export function ofKind(all: readonly Manifest[], kind: 'Deployment'): IDeployment[];
export function ofKind(all: readonly Manifest[], kind: 'Service'): IService[];
export function ofKind(
  all: readonly Manifest[],
  kind: 'HorizontalPodAutoscaler',
): IHorizontalPodAutoscaler[];
export function ofKind(
  all: readonly Manifest[],
  kind: 'PodDisruptionBudget',
): IPodDisruptionBudget[];
export function ofKind(all: readonly Manifest[], kind: 'ConfigMap'): IConfigMap[];
export function ofKind(all: readonly Manifest[], kind: 'Secret'): ISecret[];
export function ofKind(all: readonly Manifest[], kind: 'Namespace'): INamespace[];
export function ofKind(
  all: readonly Manifest[],
  kind: 'PersistentVolumeClaim',
): IPersistentVolumeClaim[];
export function ofKind(all: readonly Manifest[], kind: string): unknown[] {
  return all.filter((m) => m.doc['kind'] === kind).map((m) => m.doc);
}

/** A label selector (matchLabels only, as ours) picks the pods with these labels. */
export function selects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

/**
 * Our rules for a Deployment: health probes on the apps' real endpoints, requests
 * and limits, non-root and hardened, no service-account token, a pinned image.
 */
export function deploymentProblems(deployment: IDeployment): string[] {
  const name = deployment.metadata?.name ?? '?';
  const problems: string[] = [];
  const say = (what: string) => problems.push(`Deployment/${name}: ${what}`);
  const pod = deployment.spec?.template.spec;
  const labels = deployment.spec?.template.metadata?.labels;
  if (!selects(deployment.spec?.selector.matchLabels, labels))
    say('selector does not match the pod template labels');
  if (deployment.metadata?.namespace !== NAMESPACE) say(`namespace is not ${NAMESPACE}`);
  if (!pod) return [...problems, `Deployment/${name}: no pod spec`];
  if (pod.automountServiceAccountToken !== false) say('mounts a service-account token');
  const podSecurity = pod.securityContext;
  if (podSecurity?.runAsNonRoot !== true) say('pod securityContext.runAsNonRoot is not true');
  if (!podSecurity?.runAsUser) say('pod securityContext.runAsUser is not a non-zero uid');
  if (pod.containers.length === 0) say('no containers');
  const probePaths = SERVER_PROBE_PATHS[name] ?? PROBE_PATHS;
  for (const [container, init] of [
    ...pod.containers.map((c) => [c, false] as const),
    ...(pod.initContainers ?? []).map((c) => [c, true] as const),
  ])
    problems.push(
      ...containerProblems(container, podSecurity?.seccompProfile?.type, init, probePaths).map(
        (p) => `Deployment/${name} container ${container.name}: ${p}`,
      ),
    );
  return problems;
}

/** Init containers run once to completion: Kubernetes refuses probes on them. */
function containerProblems(
  container: IContainer,
  podSeccomp: string | undefined,
  init: boolean,
  probes: ProbePaths,
): string[] {
  const problems: string[] = [];
  const ports = new Set((container.ports ?? []).map((p) => p.name ?? String(p.containerPort)));
  for (const [probe, pathWanted] of Object.entries(probes)) {
    const get = container[probe as keyof ProbePaths]?.httpGet;
    if (init) {
      if (container[probe as keyof ProbePaths]) problems.push(`init container has a ${probe}`);
    } else if (!get) problems.push(`no ${probe} over HTTP`);
    else {
      if (get.path !== pathWanted) problems.push(`${probe} asks ${get.path}, not ${pathWanted}`);
      if (!ports.has(String(get.port))) problems.push(`${probe} port ${get.port} is not declared`);
    }
  }
  for (const bound of ['requests', 'limits'] as const)
    for (const resource of ['cpu', 'memory'])
      if (container.resources?.[bound]?.[resource] === undefined)
        problems.push(`no ${resource} in resources.${bound}`);
  const security = container.securityContext;
  if (security?.allowPrivilegeEscalation !== false) problems.push('may escalate privileges');
  if (security?.readOnlyRootFilesystem !== true) problems.push('root filesystem is writable');
  if (security?.runAsNonRoot === false || security?.runAsUser === 0) problems.push('runs as root');
  if (security?.privileged) problems.push('is privileged');
  if (!security?.capabilities?.drop?.includes('ALL'))
    problems.push('does not drop ALL capabilities');
  if ((security?.seccompProfile?.type ?? podSeccomp) !== 'RuntimeDefault')
    problems.push('seccomp profile is not RuntimeDefault');
  if (!container.image || /:latest$|^[^:]+$/.test(container.image))
    problems.push(`image ${container.image} has no pinned tag`);
  return problems;
}

/** Variables a container gets from its ConfigMaps, Secrets and own env, as the app sees them. */
export function containerEnv(
  container: IContainer,
  configMaps: readonly IConfigMap[],
  secrets: readonly ISecret[],
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const configMap = (n: string) => configMaps.find((c) => c.metadata?.name === n);
  const secret = (n: string) => secrets.find((s) => s.metadata?.name === n);
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const found = configMap(from.configMapRef.name ?? '');
      if (!found) problems.push(`ConfigMap ${from.configMapRef.name} does not exist`);
      Object.assign(env, found?.data ?? {});
    }
    if (from.secretRef) {
      const found = secret(from.secretRef.name ?? '');
      if (!found) problems.push(`Secret ${from.secretRef.name} does not exist`);
      Object.assign(env, found?.stringData ?? {});
    }
  }
  for (const variable of container.env ?? []) {
    const fromConfig = variable.valueFrom?.configMapKeyRef;
    const fromSecret = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (fromConfig) {
      const value = configMap(fromConfig.name ?? '')?.data?.[fromConfig.key];
      if (value === undefined)
        problems.push(`${variable.name}: no ${fromConfig.name}/${fromConfig.key}`);
      else env[variable.name] = value;
    } else if (fromSecret) {
      const value = secret(fromSecret.name ?? '')?.stringData?.[fromSecret.key];
      if (value === undefined)
        problems.push(`${variable.name}: no ${fromSecret.name}/${fromSecret.key}`);
      else env[variable.name] = value;
    }
  }
  return { env, problems };
}
