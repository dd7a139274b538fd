/**
 * The manifests as a cluster would receive them: each overlay of deploy/k8s rendered by the
 * `kubectl kustomize` this machine has (Kustomize v5), parsed into plain objects.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const overlaysDir = path.join(repoRoot, 'deploy', 'k8s', 'overlays');

/** Every overlay folder, so a new overlay is tested without being listed anywhere. */
export function overlayNames(): string[] {
  return readdirSync(overlaysDir)
    .filter((entry) => statSync(path.join(overlaysDir, entry)).isDirectory())
    .sort();
}

/** What every rendered object has; the rest is checked against its schema (schemas.ts). */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

const KUBECTL_MISSING =
  'kubectl is not installed: the manifest tests render deploy/k8s/overlays/* with ' +
  '`kubectl kustomize` (a kubectl with Kustomize v5, i.e. 1.27 or newer). Install kubectl, or ' +
  'put it on PATH, and run the tests again.';

function kustomize(dir: string): string {
  const result = spawnSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(KUBECTL_MISSING);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize ${path.relative(repoRoot, dir)} failed:\n${result.stderr}`);
  }
  return result.stdout;
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === 'string' &&
    typeof kind === 'string' &&
    typeof (metadata as { name?: unknown } | undefined)?.name === 'string'
  );
}

/**
 * Kustomize folds a Secret's long base64 values over several lines; the API server's decoder
 * skips the line breaks, the schema's `byte` format does not. Read them as the server does.
 */
function unfoldSecretData(manifest: Manifest): Manifest {
  const data = manifest.data as Record<string, string> | undefined;
  if (manifest.kind !== 'Secret' || !data) return manifest;
  return {
    ...manifest,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\s+/g, '')])),
  };
}

/** The objects an overlay renders to, in Kustomize's order. */
export function renderOverlay(name: string): Manifest[] {
  const text = kustomize(path.join(overlaysDir, name));
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`overlay ${name}, document ${index}: ${document.errors[0]?.message}`);
    }
    const value: unknown = document.toJS();
    if (!isManifest(value)) {
      throw new Error(`overlay ${name}, document ${index} has no apiVersion, kind and name`);
    }
    return unfoldSecretData(value);
  });
}
