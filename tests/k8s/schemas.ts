/**
 * Each rendered object against the OpenAPI schema of its kind, from the kubernetes-models
 * packages (Kubernetes itself, KEDA, the Prometheus Operator).
 *
 * A model's `validate()` catches wrong types, missing required fields and bad quantities, but
 * not a field the schema does not know (`replcas: 2` passes and does nothing). So the same
 * validator also runs over a proxy of the object that records every field it reads: the
 * generated validator reads each property its schema declares, and every key of a map (labels,
 * ConfigMap data, trigger metadata), so a key it never read is one the schema does not know.
 */
// One file per kind: the group indexes load every kind of the group, which takes seconds.
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { Manifest } from './render';

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

/** The kinds the overlays may render; another kind fails until its model is added here. */
const MODELS: readonly ModelClass[] = [
  Namespace,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  Job,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  ScaledObject,
  ServiceMonitor,
  PrometheusRule,
];

const typeOf = (manifest: Pick<Manifest, 'apiVersion' | 'kind'>): string =>
  `${manifest.apiVersion} ${manifest.kind}`;

function modelOf(manifest: Manifest): ModelClass {
  const model = MODELS.find((m) => typeOf(m) === typeOf(manifest));
  if (!model) {
    throw new Error(`no schema for ${typeOf(manifest)}: add its model to tests/k8s/schemas.ts`);
  }
  return model;
}

/** Throws the schema's own message when the object does not validate. */
export function validateAgainstSchema(manifest: Manifest): void {
  modelOf(manifest).prototype.validate.call(manifest);
}

type Reads = WeakMap<object, Set<string>>;

/** A view of `target` that records, per object, the string keys read through it. */
function recording<T extends object>(target: T, reads: Reads): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string') {
        const read = reads.get(object) ?? new Set<string>();
        read.add(key);
        reads.set(object, read);
      }
      const value: unknown = Reflect.get(object, key, receiver);
      return typeof value === 'object' && value !== null ? recording(value, reads) : value;
    },
  });
}

/** `path.to.key` of every key of `node` (and below) that was never read. */
function unreadKeys(node: unknown, reads: Reads, at: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) {
    return node.flatMap((item, index) => unreadKeys(item, reads, `${at}[${index}]`));
  }
  const read = reads.get(node);
  return Object.entries(node).flatMap(([key, value]) =>
    read?.has(key) ? unreadKeys(value, reads, `${at}.${key}`) : [`${at}.${key}`],
  );
}

/** The fields of the object its schema does not declare (empty when all are known). */
export function unknownFields(manifest: Manifest): string[] {
  const reads: Reads = new WeakMap();
  // Validated already; here only the reads matter.
  try {
    modelOf(manifest).prototype.validate.call(recording(manifest, reads));
  } catch {
    // validateAgainstSchema reports it
  }
  return unreadKeys(manifest, reads, '');
}
