/**
 * deploy/k8s is applied to no cluster here, so this test keeps it correct by construction: it
 * renders every overlay with `kubectl kustomize`, validates each object against its schema, and
 * checks the manifests against the code they run: config schemas, ports and probe paths, the
 * consumer groups and topics KEDA scales on, partition counts, and the Dockerfile. It needs no
 * cluster and no running stack.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import {
  DEFAULT_PARTITIONS_PER_SLOT,
  createLogger,
  displayEnvValue,
  loadConfig,
  redactUrlCredentials,
  retryGroupId,
  retryTopicsOf,
  startOpsServer,
  topicCatalogue,
  type Env,
  type OpsServer,
  type Stage,
  type StageConsumerGroup,
  z,
} from '@bgs/platform';
import { STEPS, provisionConfigSchema } from '../../packages/provisioning/src';
import { configSchema as enricherSchema } from '../../services/enricher/src/config';
import { ENRICHER_CONSUMER } from '../../services/enricher/src/consumer-groups';
import {
  providerOptionsFromConfig,
  type ProviderConfig,
} from '../../services/enricher/src/provider/config';
import { configSchema as ingressSchema } from '../../services/ingress/src/config';
import { parseSources } from '../../services/ingress/src/webhooks/sources';
import { configSchema as localProviderSchema } from '../../services/local-provider/src/config';
import {
  REFRESHER_STEPS,
  configSchema as refresherSchema,
} from '../../services/refresher/src/config';
import { REFRESHER_CONSUMERS } from '../../services/refresher/src/consumer-groups';
import { configSchema as sinkSchema } from '../../services/sink/src/config';
import { SINK_CONSUMER } from '../../services/sink/src/consumer-groups';
import { dockerStages, type DockerStage } from './dockerfile';
import { Rendered, cores, mebibytes, selects, serviceSelects, type Workload } from './objects';
import { overlayNames, renderOverlay, repoRoot, type Manifest } from './render';
import { unknownFields, validateAgainstSchema } from './schemas';

// ---------------------------------------------------------------- what each workload runs

type Config = Readonly<Record<string, unknown>>;

interface WorkloadCode {
  readonly schema: z.ZodObject;
  /** The stage it runs, for a consuming service. */
  readonly stage?: Stage;
  /** The consumer groups it runs with this configuration (not their `.retry` groups). */
  readonly consumers?: (config: Config) => readonly StageConsumerGroup[];
  /** The least SHUTDOWN_TIMEOUT_MS its longest unit of work in flight needs, from the code. */
  readonly shutdownNeedsMs?: (config: Config) => number;
}

function setting<T>(config: Config, key: string, is: (value: unknown) => value is T): T {
  const value = config[key];
  if (!is(value)) throw new Error(`${key} is not set in the loaded configuration`);
  return value;
}
const isNumber = (value: unknown): value is number => typeof value === 'number';
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isStep = (value: string): value is (typeof REFRESHER_STEPS)[number] =>
  (REFRESHER_STEPS as readonly string[]).includes(value);

/** The rendered Deployments and Jobs by name, and the code each runs. */
const WORKLOADS: Readonly<Record<string, WorkloadCode>> = {
  ingress: {
    schema: ingressSchema,
    // A request in flight may take REQUEST_TIMEOUT_MS before the server can close.
    shutdownNeedsMs: (config) => setting(config, 'REQUEST_TIMEOUT_MS', isNumber),
  },
  refresher: {
    schema: refresherSchema,
    stage: 'refresher',
    consumers: (config) =>
      setting(config, 'REFRESHER_STEPS', isStringList)
        .filter(isStep)
        .map((step) => REFRESHER_CONSUMERS[step]),
  },
  enricher: {
    schema: enricherSchema,
    stage: 'enricher',
    consumers: () => [ENRICHER_CONSUMER],
    // One provider call's whole budget: every attempt timing out, with the backoffs between.
    // (Cast: PROVIDER_API_KEY may be a Secret left out of the loaded configuration; unused here.)
    shutdownNeedsMs: (config) => {
      const options = providerOptionsFromConfig(config as unknown as ProviderConfig);
      return (
        options.maxAttempts * options.timeoutMs + (options.maxAttempts - 1) * options.backoffMaxMs
      );
    },
  },
  sink: { schema: sinkSchema, stage: 'sink', consumers: () => [SINK_CONSUMER] },
  'local-provider': { schema: localProviderSchema },
  provision: { schema: provisionConfigSchema },
};

function codeOf(workload: Workload): WorkloadCode {
  const code = WORKLOADS[workload.name];
  if (!code) throw new Error(`no code is known to run as ${workload.kind} ${workload.name}`);
  return code;
}

/** Variables a container may carry outside its config schema: Node's own. */
const RUNTIME_VARIABLES = ['NODE_OPTIONS'];

/** The uid of the user `node` in the official Node images, which the Dockerfile's USER names. */
const NODE_IMAGE_USERS: Readonly<Record<string, number>> = { node: 1000 };

/** Where a pod's build target is written, and the one repository its image comes from. */
const BUILD_TARGET_ANNOTATION = 'buyergroup-stream/build-target';
const APP_IMAGE = 'buyergroup-stream/app';

/** At least this much of the grace period is left after preStop and the process's own timeout. */
const GRACE_MARGIN_SECONDS = 10;

/** KEDA's `kafka` scaler parameters (keda-docs scalers/apache-kafka.md); a typo is not one. */
const KAFKA_TRIGGER_PARAMETERS = [
  'bootstrapServers',
  'consumerGroup',
  'topic',
  'lagThreshold',
  'activationLagThreshold',
  'offsetResetPolicy',
  'allowIdleConsumers',
  'excludePersistentLag',
  'limitToPartitionsWithLag',
  'scaleToZeroOnInvalidOffset',
  'partitionLimitation',
  'version',
  'sasl',
  'tls',
];

// ---------------------------------------------------------------- helpers

const stages = dockerStages();
const operationsDoc = readFileSync(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
const partitionsOf = new Map(topicCatalogue.map((topic) => [topic.name, topic.partitions]));

const label = (manifest: Pick<Manifest, 'kind' | 'metadata'>): string =>
  `${manifest.kind} ${manifest.metadata.name}`;

function buildTarget(workload: Workload): DockerStage {
  const target = workload.podAnnotations[BUILD_TARGET_ANNOTATION];
  const stage = stages.find((s) => s.name === target);
  if (!stage) throw new Error(`${workload.name}: build target ${target} is no Dockerfile stage`);
  return stage;
}

/** `registry/name:tag` → name and tag (a registry host may carry a port, a tag never a `/`). */
function imageRef(image: string): { name: string; tag: string | undefined } {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { name: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { name: image, tag: undefined };
}

/** A schema without some of its variables (those a Secret sets that the render does not hold). */
function without(schema: z.ZodObject, variables: readonly string[]): z.ZodObject {
  return schema.omit(Object.fromEntries(variables.map((v) => [v, true])) as Record<string, true>);
}

/** Seconds a preStop hook waits (`sleep N`, as exec or as the sleep action). */
function preStopSeconds(workload: Workload): number {
  const hook = workload.container.lifecycle?.preStop;
  const command = hook?.exec?.command ?? [];
  if (command[0] === 'sleep' && command.length === 2) return Number(command[1]);
  if (hook?.sleep) return hook.sleep.seconds;
  throw new Error(`${workload.name}: preStop is not a sleep these tests read`);
}

/** `--max-old-space-size=N` of NODE_OPTIONS, in MiB. */
function oldSpaceMiB(values: Readonly<Record<string, string>>): number | undefined {
  const match = /--max-old-space-size=(\d+)/.exec(values.NODE_OPTIONS ?? '');
  return match ? Number(match[1]) : undefined;
}

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

// ---------------------------------------------------------------- the tests

let opsServer: OpsServer;
beforeAll(async () => {
  // The ops server every service runs, to ask it for the paths the manifests probe and scrape.
  opsServer = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    isReady: () => true,
    logger: createLogger({ service: 'k8s-manifests-test', level: 'error', stream: quiet }),
  });
});
afterAll(() => opsServer.close());

async function opsStatus(pathname: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${opsServer.port}${pathname}`);
  await response.arrayBuffer();
  return response.status;
}

describe.each(overlayNames())('deploy/k8s/overlays/%s', (overlay) => {
  const rendered = new Rendered(renderOverlay(overlay));
  const workloads = rendered.workloads();
  const production = overlay === 'production';

  /** The environment a workload's process sees, and its configuration loaded from it. */
  function loaded(workload: Workload): { env: Env; config: Config; fromSecrets: string[] } {
    const { values, secrets } = rendered.envOf(workload.container);
    const resolved: Record<string, string> = {};
    const unresolved: string[] = [];
    for (const [variable, reference] of secrets) {
      const value = rendered.secretValue(reference);
      if (value === undefined) unresolved.push(variable);
      else resolved[variable] = value;
    }
    const env: Env = { ...buildTarget(workload).env, ...values, ...resolved };
    const declared = Object.keys(codeOf(workload).schema.shape);
    const schema = without(
      codeOf(workload).schema,
      unresolved.filter((v) => declared.includes(v)),
    );
    return { env, config: loadConfig(schema, env), fromSecrets: [...secrets.keys()] };
  }

  it('renders the services, the provisioning Job and their autoscalers', () => {
    expect(workloads.map((w) => w.name).sort()).toEqual(
      expect.arrayContaining(['enricher', 'ingress', 'provision', 'refresher', 'sink']),
    );
    if (overlay === 'dev') expect(workloads.map((w) => w.name)).toContain('local-provider');
  });

  describe('schemas', () => {
    it('every object validates against the Kubernetes, KEDA or Prometheus Operator schema', () => {
      const failures = rendered.manifests.flatMap((manifest) => {
        try {
          validateAgainstSchema(manifest);
          return [];
        } catch (error) {
          return [`${label(manifest)}: ${(error as Error).message}`];
        }
      });
      expect(failures).toEqual([]);
    });

    it('no object has a field its schema does not know', () => {
      const unknown = rendered.manifests.flatMap((manifest) =>
        unknownFields(manifest).map((field) => `${label(manifest)}: ${field}`),
      );
      expect(unknown).toEqual([]);
    });

    it('every name is unique within its kind, and every object is in the overlay namespace', () => {
      const keys = rendered.manifests.map(label);
      expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
      const [namespace, ...others] = rendered.all('Namespace');
      expect(others).toEqual([]);
      expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const outside = rendered.manifests
        .filter((m) => m.kind !== 'Namespace' && m.metadata.namespace !== namespace?.metadata.name)
        .map(label);
      expect(outside).toEqual([]);
    });
  });

  describe.each(workloads.map((w) => [`${w.kind} ${w.name}`, w] as const))('%s', (_, workload) => {
    it('sets only variables its config schema declares, and its configuration loads', () => {
      const { values, secrets } = rendered.envOf(workload.container);
      const declared = Object.keys(codeOf(workload).schema.shape);
      const sourcesEnv = webhookSourceVariables(workload);
      const stray = [...Object.keys(values), ...secrets.keys()].filter(
        (v) => !declared.includes(v) && !RUNTIME_VARIABLES.includes(v) && !sourcesEnv.includes(v),
      );
      expect(stray).toEqual([]);
      // Under the image's NODE_ENV=production: production refuses development defaults.
      expect(buildTarget(workload).env.NODE_ENV).toBe('production');
      expect(() => loaded(workload)).not.toThrow();
      if (production) expect(loaded(workload).env.BGS_DEV_DEFAULTS).toBeUndefined();
    });

    it('runs an entry point its build target ships, as the image would', () => {
      const target = buildTarget(workload);
      const [runtime, entry = '', ...args] = workload.container.command ?? [];
      expect(runtime).toBe('node');
      const shipped = target.copiedFromStages.find((dir) => entry.startsWith(`${dir}/`));
      expect({ entry, shipped: shipped !== undefined }).toEqual({ entry, shipped: true });
      const source = entry.replace(/\/dist\//, '/src/').replace(/\.js$/, '.ts');
      expect(readFileSync(path.join(repoRoot, source), 'utf8').length).toBeGreaterThan(0);
      expect(target.workdir).toBe('/app');
      expect(workload.container.workingDir ?? target.workdir).toBe(target.workdir);
      if (workload.kind === 'Job') {
        expect(workload.container.command).toEqual(target.cmd);
        expect(args.every((a) => a === 'all' || (STEPS as readonly string[]).includes(a))).toBe(
          true,
        );
      }
    });

    it('runs the one application image, at a pinned tag', () => {
      const { name, tag } = imageRef(workload.container.image ?? '');
      expect(name.endsWith(APP_IMAGE)).toBe(true);
      expect(tag).toMatch(/^[\w][\w.-]*$/);
      expect(tag).not.toBe('latest');
      if (production) expect(tag).toMatch(/^v?\d+\.\d+/);
    });

    it('runs restricted: non-root, no escalation, no capabilities, seccomp, read-only root', () => {
      const pod = workload.pod;
      const container = workload.container.securityContext ?? {};
      const user = buildTarget(workload).user ?? '';
      expect(container.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
      expect(container.runAsUser ?? pod.securityContext?.runAsUser).toBe(NODE_IMAGE_USERS[user]);
      expect((container.seccompProfile ?? pod.securityContext?.seccompProfile)?.type).toBe(
        'RuntimeDefault',
      );
      expect(container.allowPrivilegeEscalation).toBe(false);
      expect(container.privileged ?? false).toBe(false);
      expect(container.capabilities?.drop).toEqual(['ALL']);
      expect(container.capabilities?.add ?? []).toEqual([]);
      expect(container.readOnlyRootFilesystem).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? pod.hostPID ?? pod.hostIPC ?? false).toBe(false);
      // The read-only root leaves /tmp writable, on an emptyDir.
      const tmp = workload.container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    });

    it('has requests and limits, with V8 old space at about 75 % of the memory limit', () => {
      const { requests = {}, limits = {} } = workload.container.resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        expect({ resource, request: requests[resource] !== undefined }).toEqual({
          resource,
          request: true,
        });
        expect({ resource, limit: limits[resource] !== undefined }).toEqual({
          resource,
          limit: true,
        });
      }
      expect(cores(requests.cpu ?? 0)).toBeLessThanOrEqual(cores(limits.cpu ?? 0));
      expect(mebibytes(requests.memory ?? 0)).toBeLessThanOrEqual(mebibytes(limits.memory ?? 0));
      const heap = oldSpaceMiB(rendered.envOf(workload.container).values) ?? 0;
      const ratio = heap / mebibytes(limits.memory ?? 0);
      expect(ratio).toBeGreaterThanOrEqual(0.7);
      expect(ratio).toBeLessThanOrEqual(0.8);
    });

    it('reads every secret from a Secret it can find', () => {
      for (const [variable, reference] of rendered.envOf(workload.container).secrets) {
        if (production) {
          // The cluster holds it; the operations guide lists it.
          expect({ variable, documented: operationsDoc.includes(reference.secret) }).toEqual({
            variable,
            documented: true,
          });
          expect({ variable, documented: operationsDoc.includes(reference.key) }).toEqual({
            variable,
            documented: true,
          });
        } else {
          expect({ variable, found: rendered.secretValue(reference) !== undefined }).toEqual({
            variable,
            found: true,
          });
        }
      }
    });
  });

  /** Env names the ingress sources file (mounted from a ConfigMap) reads secrets from. */
  function webhookSourceVariables(workload: Workload): string[] {
    const file = sourcesFileOf(workload);
    if (file === undefined) return [];
    const raw = JSON.parse(file) as { sources?: Record<string, { secrets?: { env?: string }[] }> };
    return Object.values(raw.sources ?? {}).flatMap((source) =>
      (source.secrets ?? []).flatMap((secret) => (secret.env ? [secret.env] : [])),
    );
  }

  /** The text of the file WEBHOOK_SOURCES_FILE names, from the ConfigMap mounted there. */
  function sourcesFileOf(workload: Workload): string | undefined {
    const file = rendered.envOf(workload.container).values.WEBHOOK_SOURCES_FILE;
    if (file === undefined) return undefined;
    const mount = workload.container.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    const volume = workload.pod.volumes?.find((v) => v.name === mount?.name);
    const configMap = rendered.configMap(volume?.configMap?.name ?? '');
    const text = configMap.data?.[path.posix.relative(mount?.mountPath ?? '', file)];
    if (text === undefined) throw new Error(`${workload.name}: nothing is mounted at ${file}`);
    return text;
  }

  describe('services', () => {
    const deployments = workloads.filter((w) => w.kind === 'Deployment');

    it('each Deployment listens on all interfaces, on the port its config and Service name', () => {
      for (const workload of deployments) {
        const { config } = loaded(workload);
        const port = workload.container.ports?.find((p) => p.name === 'http');
        expect({ name: workload.name, host: setting(config, 'HTTP_HOST', isString) }).toEqual({
          name: workload.name,
          host: '0.0.0.0',
        });
        expect({ name: workload.name, port: port?.containerPort }).toEqual({
          name: workload.name,
          port: setting(config, 'HTTP_PORT', isNumber),
        });
        const services = rendered
          .all('Service')
          .filter((s) => serviceSelects(s, workload.podLabels));
        expect({ name: workload.name, services: services.length }).toEqual({
          name: workload.name,
          services: 1,
        });
        const servicePorts = services[0]?.spec?.ports ?? [];
        expect(servicePorts.map((p) => p.targetPort)).toEqual(['http']);
      }
    });

    it('every Service selects one Deployment, on a port it has', () => {
      for (const service of rendered.all('Service')) {
        const targets = deployments.filter((w) => serviceSelects(service, w.podLabels));
        expect({ service: service.metadata.name, targets: targets.length }).toEqual({
          service: service.metadata.name,
          targets: 1,
        });
        const names = targets[0]?.container.ports?.map((p) => p.name) ?? [];
        for (const port of service.spec?.ports ?? []) expect(names).toContain(port.targetPort);
      }
    });

    it('probes readiness on /readyz and liveness on /healthz, paths the ops server answers', async () => {
      for (const workload of deployments) {
        const { readinessProbe, livenessProbe } = workload.container;
        expect({ name: workload.name, path: readinessProbe?.httpGet?.path }).toEqual({
          name: workload.name,
          path: '/readyz',
        });
        expect({ name: workload.name, path: livenessProbe?.httpGet?.path }).toEqual({
          name: workload.name,
          path: '/healthz',
        });
        expect(readinessProbe?.httpGet?.port).toBe('http');
        expect(livenessProbe?.httpGet?.port).toBe('http');
        expect(await opsStatus(readinessProbe?.httpGet?.path ?? '')).toBe(200);
        expect(await opsStatus(livenessProbe?.httpGet?.path ?? '')).toBe(200);
      }
    });

    it('scrapes every Service on a port it has, at a path the ops server answers', async () => {
      for (const monitor of rendered.all('ServiceMonitor')) {
        for (const service of rendered.all('Service')) {
          expect(selects(monitor.spec.selector, service.metadata.labels ?? {})).toBe(true);
          const names = (service.spec?.ports ?? []).map((p) => p.name);
          for (const endpoint of monitor.spec.endpoints ?? [])
            expect(names).toContain(endpoint.port);
        }
        for (const endpoint of monitor.spec.endpoints ?? []) {
          expect(await opsStatus(endpoint.path ?? '/metrics')).toBe(200);
        }
      }
    });

    it('drains within a grace period above preStop plus the process shutdown timeout', () => {
      for (const workload of deployments) {
        const { config } = loaded(workload);
        const shutdownMs = setting(config, 'SHUTDOWN_TIMEOUT_MS', isNumber);
        const needed = preStopSeconds(workload) + shutdownMs / 1000 + GRACE_MARGIN_SECONDS;
        expect({
          name: workload.name,
          enough: (workload.pod.terminationGracePeriodSeconds ?? 30) >= needed,
        }).toEqual({ name: workload.name, enough: true });
        const needs = codeOf(workload).shutdownNeedsMs?.(config) ?? 0;
        expect({ name: workload.name, coversWork: shutdownMs > needs }).toEqual({
          name: workload.name,
          coversWork: true,
        });
      }
    });

    it('each Deployment has a PodDisruptionBudget of maxUnavailable 1 and spreads its pods', () => {
      for (const workload of deployments) {
        const budgets = rendered
          .all('PodDisruptionBudget')
          .filter((b) => selects(b.spec?.selector, workload.podLabels));
        expect({
          name: workload.name,
          budgets: budgets.map((b) => b.spec?.maxUnavailable),
        }).toEqual({ name: workload.name, budgets: [1] });
        expect(budgets[0]?.spec?.minAvailable).toBeUndefined();
        const spread = workload.pod.topologySpreadConstraints ?? [];
        expect(spread.map((c) => c.topologyKey).sort()).toEqual([
          'kubernetes.io/hostname',
          'topology.kubernetes.io/zone',
        ]);
        for (const constraint of spread) {
          expect(selects(constraint.labelSelector, workload.podLabels)).toBe(true);
        }
      }
    });
  });

  describe('autoscaling', () => {
    const scaled = rendered.all('ScaledObject');
    const hpas = rendered.all('HorizontalPodAutoscaler');
    const targets = [
      ...scaled.map((s) => s.spec.scaleTargetRef),
      ...hpas.map((h) => h.spec?.scaleTargetRef),
    ];

    it('scales ingress on CPU, each stage with KEDA, and lets the autoscaler own the replicas', () => {
      const ingress = hpas.filter((h) => h.spec?.scaleTargetRef.name === 'ingress');
      expect(ingress.flatMap((h) => h.spec?.metrics?.map((m) => m.resource?.name) ?? [])).toEqual([
        'cpu',
      ]);
      const stageNames = Object.entries(WORKLOADS)
        .filter(([, code]) => code.stage !== undefined)
        .map(([name]) => name);
      expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(stageNames.sort());
      for (const target of targets) {
        const deployment = rendered.one('Deployment', target?.name ?? '');
        expect(target?.kind ?? 'Deployment').toBe('Deployment');
        expect({ name: target?.name, replicas: deployment.spec?.replicas }).toEqual({
          name: target?.name,
          replicas: undefined,
        });
      }
      const names = targets.map((t) => t?.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    });

    it('scales down gently', () => {
      const behaviors = [
        ...scaled.map((s) => s.spec.advanced?.horizontalPodAutoscalerConfig?.behavior),
        ...hpas.map((h) => h.spec?.behavior),
      ];
      for (const behavior of behaviors) {
        expect(behavior?.scaleDown?.stabilizationWindowSeconds ?? 0).toBeGreaterThanOrEqual(300);
        expect(behavior?.scaleDown?.policies).toEqual([
          expect.objectContaining({ type: 'Pods', value: 1 }),
        ]);
      }
    });

    describe.each(scaled.map((s) => [s.metadata.name, s] as const))('ScaledObject %s', (_, so) => {
      const workload = workloads.find((w) => w.name === so.spec.scaleTargetRef.name);
      const code = workload ? codeOf(workload) : undefined;
      const triggers = so.spec.triggers;

      it('has one kafka trigger per consumer group and topic the Deployment reads', () => {
        if (!workload || !code?.stage || !code.consumers) throw new Error('not a stage');
        const stage = code.stage;
        const groups = code
          .consumers(loaded(workload).config)
          .flatMap((group) => [
            group,
            { groupId: retryGroupId(group.groupId), topics: retryTopicsOf(stage) },
          ]);
        const expected = groups.flatMap((g) => g.topics.map((topic) => `${g.groupId} ${topic}`));
        const actual = triggers.map((t) => `${t.metadata.consumerGroup} ${t.metadata.topic}`);
        expect(actual.sort()).toEqual(expected.sort());
        expect(triggers.every((t) => t.type === 'kafka')).toBe(true);
        const names = triggers.map((t) => t.name);
        expect(new Set(names).size).toBe(triggers.length);
      });

      it('reads topics of the catalogue, on the brokers the pods use, in string metadata', () => {
        if (!workload) throw new Error('no Deployment');
        const brokers = setting(loaded(workload).config, 'KAFKA_BROKERS', isStringList);
        for (const { metadata } of triggers) {
          expect({
            topic: metadata.topic,
            declared: partitionsOf.has(metadata.topic ?? ''),
          }).toEqual({ topic: metadata.topic, declared: true });
          expect(metadata.bootstrapServers?.split(',')).toEqual(brokers);
          for (const [key, value] of Object.entries(metadata)) {
            expect({ key, known: KAFKA_TRIGGER_PARAMETERS.includes(key) }).toEqual({
              key,
              known: true,
            });
            expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
          }
        }
      });

      it('keeps at least one replica, and no more than the partitions keep busy', () => {
        // Transactional inputs: a commit marker leaves lag 1 per partition, so never zero.
        expect(so.spec.minReplicaCount ?? 0).toBeGreaterThanOrEqual(1);
        const max = so.spec.maxReplicaCount ?? 100; // KEDA's default
        for (const { metadata } of triggers) {
          const partitions = partitionsOf.get(metadata.topic ?? '') ?? 0;
          expect({ topic: metadata.topic, withinPartitions: max <= partitions }).toEqual({
            topic: metadata.topic,
            withinPartitions: true,
          });
          // A group is assigned whole transaction slots; members beyond them sit idle.
          const busy = Math.ceil(partitions / DEFAULT_PARTITIONS_PER_SLOT);
          expect({ topic: metadata.topic, withinSlots: max <= busy }).toEqual({
            topic: metadata.topic,
            withinSlots: true,
          });
        }
      });
    });
  });

  describe('secrets and sources', () => {
    it('the ingress webhook sources load, with every secret the file names', () => {
      const ingress = workloads.find((w) => w.name === 'ingress');
      if (!ingress) throw new Error('no ingress');
      const file = sourcesFileOf(ingress) ?? '';
      const { env, fromSecrets } = loaded(ingress);
      // A Secret's value is the cluster's: any long enough string stands for it.
      const withSecrets: Env = {
        ...Object.fromEntries(fromSecrets.map((v) => [v, 'a-secret-from-the-cluster-only'])),
        ...env,
      };
      expect(parseSources(JSON.parse(file), withSecrets).size).toBeGreaterThan(0);
      const named = webhookSourceVariables(ingress);
      expect(named.filter((v) => !fromSecrets.includes(v))).toEqual([]);
    });

    if (overlay === 'dev') {
      it('uses the local stack webhook sources, unchanged', () => {
        const ingress = workloads.find((w) => w.name === 'ingress');
        const local = readFileSync(
          path.join(repoRoot, 'deploy/local/webhook-sources.json'),
          'utf8',
        );
        expect(JSON.parse(ingress ? (sourcesFileOf(ingress) ?? '') : '')).toEqual(
          JSON.parse(local),
        );
      });
    }

    if (production) {
      it('holds no secret value: no Secret, no inline secret, no credentials in a URL', () => {
        expect(rendered.all('Secret').map(label)).toEqual([]);
        const plain = [
          ...rendered.all('ConfigMap').flatMap((c) => Object.entries(c.data ?? {})),
          ...workloads.flatMap((w) => Object.entries(rendered.envOf(w.container).values)),
        ];
        const leaks = plain.filter(
          ([name, value]) =>
            displayEnvValue(name, value) === '[redacted]' || redactUrlCredentials(value) !== value,
        );
        expect(leaks.map(([name]) => name)).toEqual([]);
        const ingress = workloads.find((w) => w.name === 'ingress');
        const file = ingress ? (sourcesFileOf(ingress) ?? '') : '';
        expect(file).not.toMatch(/"value"\s*:/);
      });
    }
  });

  it('is what docs/operations.md tells an SRE to render', () => {
    expect(operationsDoc).toContain(`kubectl kustomize deploy/k8s/overlays/${overlay}`);
  });
});
