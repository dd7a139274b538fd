/**
 * Typed views of one rendered overlay: its objects by kind, its workloads (the Deployments and
 * the Job) with their pod specs, and the environment each container gets once its ConfigMap
 * and Secret references are resolved. Objects are typed by the kubernetes-models interfaces,
 * which the schema check (schemas.ts) makes true of them.
 */
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Manifest } from './render';

interface Kinds {
  Namespace: INamespace;
  ConfigMap: IConfigMap;
  Secret: ISecret;
  Service: IService;
  Deployment: IDeployment;
  Job: IJob;
  PodDisruptionBudget: IPodDisruptionBudget;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  ScaledObject: IScaledObject;
  ServiceMonitor: IServiceMonitor;
}

type Named<T> = T & { readonly metadata: { readonly name: string } };

/** A Deployment or the Job: what runs a container of the application image. */
export interface Workload {
  readonly kind: 'Deployment' | 'Job';
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly pod: IPodSpec;
  readonly container: IContainer;
}

/** Where a secret variable comes from. */
export interface SecretReference {
  readonly secret: string;
  readonly key: string;
}

/** A container's environment: plain values, and variables read from a Secret. */
export interface ContainerEnv {
  readonly values: Readonly<Record<string, string>>;
  readonly secrets: ReadonlyMap<string, SecretReference>;
}

export class Rendered {
  constructor(readonly manifests: readonly Manifest[]) {}

  all<K extends keyof Kinds>(kind: K): Named<Kinds[K]>[] {
    return this.manifests.filter((m) => m.kind === kind) as unknown as Named<Kinds[K]>[];
  }

  one<K extends keyof Kinds>(kind: K, name: string): Named<Kinds[K]> {
    const found = this.all(kind).filter((m) => m.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0] as Named<Kinds[K]>;
  }

  find<K extends keyof Kinds>(kind: K, name: string): Named<Kinds[K]> | undefined {
    return this.all(kind).find((m) => m.metadata.name === name);
  }

  workloads(): Workload[] {
    const deployments = this.all('Deployment').map((d) => workload('Deployment', d));
    const jobs = this.all('Job').map((j) => workload('Job', j));
    return [...deployments, ...jobs];
  }

  /** The environment `container` gets: env entries and envFrom, ConfigMaps and Secrets resolved. */
  envOf(container: IContainer): ContainerEnv {
    const values: Record<string, string> = {};
    const secrets = new Map<string, SecretReference>();
    for (const source of container.envFrom ?? []) {
      if (source.secretRef) {
        throw new Error(
          `${container.name}: envFrom secretRef ${source.secretRef.name} hides which variables it sets`,
        );
      }
      const name = source.configMapRef?.name ?? '';
      for (const [key, value] of Object.entries(this.configMap(name).data ?? {})) {
        values[`${source.prefix ?? ''}${key}`] = value;
      }
    }
    for (const entry of container.env ?? []) {
      const from = entry.valueFrom;
      if (from?.secretKeyRef) {
        secrets.set(entry.name, {
          secret: from.secretKeyRef.name ?? '',
          key: from.secretKeyRef.key,
        });
        delete values[entry.name];
      } else if (from?.configMapKeyRef) {
        const data = this.configMap(from.configMapKeyRef.name ?? '').data ?? {};
        const value = data[from.configMapKeyRef.key];
        if (value === undefined) {
          throw new Error(`${container.name}: ${entry.name} names a missing ConfigMap key`);
        }
        values[entry.name] = value;
      } else if (from) {
        throw new Error(`${container.name}: ${entry.name} has a source these tests do not read`);
      } else {
        values[entry.name] = entry.value ?? '';
      }
    }
    return { values, secrets };
  }

  configMap(name: string): Named<IConfigMap> {
    const found = this.find('ConfigMap', name);
    if (!found) throw new Error(`ConfigMap ${name} is referenced but not rendered`);
    return found;
  }

  /** A rendered Secret's value (the dev overlay generates its Secrets), if there is one. */
  secretValue({ secret, key }: SecretReference): string | undefined {
    const found = this.find('Secret', secret);
    const encoded = found?.data?.[key];
    if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
    return found?.stringData?.[key];
  }
}

function workload(kind: 'Deployment' | 'Job', object: Named<IDeployment> | Named<IJob>): Workload {
  const template = object.spec?.template;
  const pod = template?.spec;
  const containers = pod?.containers ?? [];
  const [container] = containers;
  if (!pod || !container || containers.length !== 1) {
    throw new Error(`${kind} ${object.metadata.name} must run exactly one container`);
  }
  return {
    kind,
    name: object.metadata.name,
    podLabels: template?.metadata?.labels ?? {},
    podAnnotations: template?.metadata?.annotations ?? {},
    pod,
    container,
  };
}

/** Whether every `matchLabels` entry of a selector is among `labels` (our selectors use no expressions). */
export function selects(
  selector: { readonly matchLabels?: Readonly<Record<string, string>> } | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}

/** A Service's selector, which is a plain map rather than a label selector. */
export function serviceSelects(
  service: IService,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selects({ matchLabels: service.spec?.selector ?? {} }, labels);
}

const BINARY_UNITS: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
const DECIMAL_UNITS: Readonly<Record<string, number>> = { k: 1e3, M: 1e6, G: 1e9 };

/** A memory quantity (`384Mi`, `1Gi`, `500M`, `1048576`) in MiB. */
export function mebibytes(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)([KMG]i|[kMG])?$/.exec(String(quantity));
  if (!match) throw new Error(`not a memory quantity this test reads: ${quantity}`);
  const unit = match[2] ?? '';
  const factor = BINARY_UNITS[unit] ?? DECIMAL_UNITS[unit] ?? 1;
  return (Number(match[1]) * factor) / 2 ** 20;
}

/** A CPU quantity (`250m`, `1`, `0.5`) in cores. */
export function cores(quantity: string | number): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}
