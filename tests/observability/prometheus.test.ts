/**
 * The local stack's Prometheus (`./bgs up --observability`, or `deploy/local/stack start
 * prometheus`), through its HTTP API:
 * - every scrape target is up: the four services (jobs `bgs-<service>`, as the alert rules
 *   expect), the local provider, the registry, Prometheus itself, and Kafka and Connect when
 *   they run with the JMX exporter;
 * - `./bgs scale` adds an instance's target and takes it away again;
 * - every recording rule and alert of deploy/observability/prometheus/rules is loaded, in its
 *   group, and evaluates without error;
 * - a change that flows through the pipeline shows in the sink's freshness histogram, and in the
 *   freshness SLO's recorded error ratio.
 * CI's stack runs without --observability: the test then starts Prometheus itself, and stops it
 * again afterwards, leaving the stack as it found it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createCompany, createWorkspace, waitForIncludedChanges } from '../helpers/pipeline';
import {
  instanceUrl,
  repoRoot,
  requireStack,
  scale,
  stackCommand,
  withDatabase,
  type Service,
} from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const prometheusUrl = `http://127.0.0.1:${Number(process.env.BGS_PROMETHEUS_PORT ?? 59090)}`;
const rulesDir = path.join(repoRoot, 'deploy/observability/prometheus/rules');
const services: readonly Service[] = ['ingress', 'refresher', 'enricher', 'sink'];
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/** Every job that always has a target; bgs-kafka and bgs-connect have one only with the agent. */
const requiredJobs: ReadonlyMap<string, string> = new Map([
  ['prometheus', `${prometheusUrl}/metrics`],
  ['bgs-registry', `http://127.0.0.1:${env('BGS_REGISTRY_PORT', 58081)}/metrics`],
  ['bgs-local-provider', `http://127.0.0.1:${env('BGS_PROVIDER_PORT', 58104)}/metrics`],
  ...services.map((s): [string, string] => [`bgs-${s}`, `${instanceUrl(s, 1)}/metrics`]),
]);

// ---------------------------------------------------------------- Prometheus's API

interface Target {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

interface LoadedRule {
  readonly name: string;
  readonly type: 'recording' | 'alerting';
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError?: string;
}

interface LoadedGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly LoadedRule[];
}

interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

async function api<T>(pathAndQuery: string): Promise<T> {
  const response = await fetch(`${prometheusUrl}/api/v1/${pathAndQuery}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${pathAndQuery}: ${body.error ?? body.status}`);
  return body.data;
}

const activeTargets = async (): Promise<Target[]> =>
  (await api<{ activeTargets: Target[] }>('targets?state=active')).activeTargets;

const query = (expr: string): Promise<Sample[]> =>
  api<{ result: Sample[] }>(`query?query=${encodeURIComponent(expr)}`).then((d) => d.result);

/** The one value of a query that sums to a single series, or undefined while it has none. */
async function scalarOf(expr: string): Promise<number | undefined> {
  const [sample] = await query(expr);
  return sample ? Number(sample.value[1]) : undefined;
}

/**
 * Waits until the active targets satisfy `accept`; on time-out, says what they were last, so a
 * target that never came up is named with its scrape error.
 */
async function waitForTargets(
  accept: (targets: readonly Target[]) => boolean,
  description: string,
  timeoutMs = 60_000,
): Promise<Target[]> {
  let last: readonly Target[] = [];
  try {
    return await waitFor(
      async () => {
        last = await activeTargets();
        return accept(last) ? [...last] : undefined;
      },
      { timeoutMs, intervalMs: 500, description },
    );
  } catch (error) {
    const seen = last.map((t) => `${t.labels.job} ${t.scrapeUrl} ${t.health} ${t.lastError}`);
    throw new Error(`${String(error)}; targets last seen:\n  ${seen.join('\n  ')}`);
  }
}

const jobTargets = (targets: readonly Target[], job: string): Target[] =>
  targets.filter((t) => t.labels.job === job);

// ---------------------------------------------------------------- the rules files

interface FileGroup {
  readonly name: string;
  readonly rules: readonly { readonly record?: string; readonly alert?: string }[];
}

const ruleFiles = readdirSync(rulesDir)
  .filter((name) => name.endsWith('.yml'))
  .sort();

const fileGroups = ruleFiles.flatMap((file) =>
  (
    parseYaml(readFileSync(path.join(rulesDir, file), 'utf8')) as { groups: FileGroup[] }
  ).groups.map((group) => ({ file: path.join(rulesDir, file), group })),
);

// ---------------------------------------------------------------- the tests

let startedHere = false;

const prometheusReady = (): Promise<boolean> =>
  fetch(`${prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) })
    .then((r) => r.ok)
    .catch(() => false);

describe("the local stack's Prometheus", () => {
  beforeAll(async () => {
    await requireStack();
    if (!(await prometheusReady())) {
      await stackCommand('start', 'prometheus');
      startedHere = true;
    }
  });

  afterAll(async () => {
    if (startedHere) await stackCommand('stop', 'prometheus');
  });

  it('scrapes every part of the stack, and every target is up', async () => {
    const targets = await waitForTargets(
      (all) =>
        [...requiredJobs.keys()].every((job) => jobTargets(all, job).length > 0) &&
        all.every((t) => t.health === 'up'),
      'every target up, with a target for each of the stack parts',
    );
    for (const [job, url] of requiredJobs) {
      expect({ job, urls: jobTargets(targets, job).map((t) => t.scrapeUrl) }).toEqual({
        job,
        urls: expect.arrayContaining([url]) as unknown,
      });
    }
    // Kafka and Connect only while they run with the JMX exporter (docs/operations.md).
    const known = new Set([...requiredJobs.keys(), 'bgs-kafka', 'bgs-connect']);
    expect(targets.map((t) => t.labels.job).filter((job) => !known.has(job ?? ''))).toEqual([]);
  });

  it('follows `./bgs scale`: an extra instance is a target while it runs, and leaves with it', async () => {
    const extra = `${instanceUrl('sink', 2)}/metrics`;
    try {
      await scale('sink', 2);
      await waitForTargets(
        (all) =>
          jobTargets(all, 'bgs-sink').some((t) => t.scrapeUrl === extra && t.health === 'up'),
        `sink@2 (${extra}) a bgs-sink target, up`,
      );
    } finally {
      await scale('sink', 1);
    }
    const targets = await waitForTargets(
      (all) => !jobTargets(all, 'bgs-sink').some((t) => t.scrapeUrl === extra),
      'sink@2 gone from the bgs-sink targets',
    );
    expect(jobTargets(targets, 'bgs-sink').map((t) => t.scrapeUrl)).toEqual([
      `${instanceUrl('sink', 1)}/metrics`,
    ]);
  }, 180_000);

  it('loads every recording rule and alert of the rules files, and evaluates them without error', async () => {
    expect(fileGroups.length).toBeGreaterThan(0);
    const groups = await waitFor(
      async () => {
        const loaded = (await api<{ groups: LoadedGroup[] }>('rules')).groups;
        const evaluated = loaded.every((g) => g.rules.every((r) => r.health !== 'unknown'));
        return loaded.length >= fileGroups.length && evaluated ? loaded : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'every rule group loaded and evaluated' },
    );
    // Prometheus lists groups by file, then by name.
    const byFileAndName = (a: { file: string; name: string }, b: { file: string; name: string }) =>
      a.file === b.file ? a.name.localeCompare(b.name) : a.file.localeCompare(b.file);
    const shape = (g: LoadedGroup) => ({
      file: g.file,
      name: g.name,
      rules: g.rules.map((r) => `${r.type} ${r.name}`),
    });
    expect(groups.map(shape).sort(byFileAndName)).toEqual(
      fileGroups
        .map(({ file, group }) => ({
          file,
          name: group.name,
          rules: group.rules.map((r) =>
            r.alert !== undefined ? `alerting ${r.alert}` : `recording ${r.record ?? ''}`,
          ),
        }))
        .sort(byFileAndName),
    );
    const failing = groups.flatMap((g) =>
      g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.lastError}`),
    );
    expect(failing).toEqual([]);
  });

  it('sees the freshness of a change that flowed through the pipeline', async () => {
    const total = 'sum(bgs_freshness_seconds_count)';
    const before = (await scalarOf(total)) ?? 0;
    const companyId = await withDatabase(async (db) => {
      const workspaceId = await createWorkspace(db);
      return (await createCompany(db, workspaceId)).companyId;
    });
    await waitForIncludedChanges(companyId, 1);

    const after = await waitFor(
      async () => {
        const value = await scalarOf(total);
        return value !== undefined && value > before ? value : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: `${total} above ${before}` },
    );
    expect(after).toBeGreaterThan(before);
    const rate = await waitFor(
      async () => {
        const value = await scalarOf('sum(rate(bgs_freshness_seconds_count[1m]))');
        return value !== undefined && value > 0 ? value : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'a freshness rate above 0' },
    );
    expect(rate).toBeGreaterThan(0);
    // The SLO's recording rule, on that data: a ratio between 0 and 1.
    // NaN while the window held no save.
    const ratio = await waitFor(
      async () => {
        const value = await scalarOf('slo:sli_error:ratio_rate5m{slo="freshness-1s"}');
        return value !== undefined && !Number.isNaN(value) ? value : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the freshness-1s error ratio recorded' },
    );
    expect(ratio).toBeGreaterThanOrEqual(0);
    expect(ratio).toBeLessThanOrEqual(1);
  });
});
