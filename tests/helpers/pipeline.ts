/**
 * What the end-to-end tests of the pipeline share: fresh companies and people in the upstream
 * tables (Debezium picks them up like any application write), signed webhooks to the running
 * ingress, and reads of what the sink saved. Every test uses ids of its own, so tests never
 * see each other's data.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import type { Client } from 'pg';
import { discoverBuyerGroup, personFromRow, type PeopleRow, type Person } from '@bgs/domain';
import {
  COMPANY_PARTITIONS,
  createSchemaCodec,
  createTopicCodec,
  type Stage,
  type TopicCodec,
} from '@bgs/platform';
import {
  kafka,
  producerDefaults,
  repoRoot,
  serviceUrl,
  stack,
  uniqueName,
  withDatabase,
} from './stack';
import { standardWebhooksHeaders } from './signers';
import { waitFor } from './wait';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
export const ingressUrl = `http://127.0.0.1:${env('BGS_INGRESS_PORT', 58100)}`;
export const providerUrl = `http://127.0.0.1:${env('BGS_PROVIDER_PORT', 58104)}`;

export interface PersonSeed {
  readonly id: string;
  readonly fullName: string;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly seniority?: string | null;
  readonly managerId?: string | null;
}

/** A small, realistic org chart: CEO, CTO, VP Eng, an engineer, procurement, legal. */
export function orgChart(prefix: string): PersonSeed[] {
  const id = (n: string) => `${prefix}-${n}`;
  return [
    {
      id: id('ceo'),
      fullName: 'Ada Chief',
      jobTitle: 'Chief Executive Officer',
      department: 'executive',
      seniority: 'c_level',
    },
    {
      id: id('cto'),
      fullName: 'Ben Tech',
      jobTitle: 'Chief Technology Officer',
      department: 'engineering',
      seniority: 'c_level',
      managerId: id('ceo'),
    },
    {
      id: id('vpe'),
      fullName: 'Cleo Lead',
      jobTitle: 'VP Engineering',
      department: 'engineering',
      seniority: 'vp',
      managerId: id('cto'),
    },
    {
      id: id('eng'),
      fullName: 'Dan Coder',
      jobTitle: 'Staff Engineer',
      department: 'engineering',
      seniority: 'senior',
      managerId: id('vpe'),
    },
    {
      id: id('pro'),
      fullName: 'Eve Buyer',
      jobTitle: 'Head of Procurement',
      department: 'procurement',
      seniority: 'director',
      managerId: id('ceo'),
    },
    {
      id: id('sec'),
      fullName: 'Finn Guard',
      jobTitle: 'Director of IT Security',
      department: 'security',
      seniority: 'director',
      managerId: id('cto'),
    },
    {
      id: id('ops'),
      fullName: 'Gia Ops',
      jobTitle: 'Marketing Coordinator',
      department: 'marketing',
      seniority: 'entry',
      managerId: id('ceo'),
    },
  ];
}

export interface WorkspaceSeed {
  readonly changeLevel?: 'identify' | 'enrich' | 'deep_research';
  readonly cooldownSeconds?: number;
}

export async function createWorkspace(db: Client, seed: WorkspaceSeed = {}): Promise<string> {
  const workspaceId = uniqueName('ws');
  await db.query(
    `INSERT INTO workspace_settings (workspace_id, product_category, target_departments, change_level, cooldown_seconds)
     VALUES ($1, 'software', '{engineering,it}', $2, $3)`,
    [workspaceId, seed.changeLevel ?? 'identify', seed.cooldownSeconds ?? 3600],
  );
  return workspaceId;
}

/** Inserts a company and its people in one transaction, as an application would. */
export async function createCompany(
  db: Client,
  workspaceId: string,
  people: (prefix: string) => PersonSeed[] = orgChart,
  companyId: string = uniqueName('co'),
): Promise<{ companyId: string; people: PersonSeed[] }> {
  const seeds = people(companyId);
  await db.query('BEGIN');
  try {
    await db.query(
      `INSERT INTO companies (id, workspace_id, name, domain) VALUES ($1, $2, $3, $4)`,
      [companyId, workspaceId, `Company ${companyId}`, `${companyId}.example`],
    );
    for (const p of seeds) {
      await db.query(
        `INSERT INTO people (id, company_id, full_name, job_title, department, seniority, manager_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          p.id,
          companyId,
          p.fullName,
          p.jobTitle,
          p.department,
          p.seniority ?? null,
          p.managerId ?? null,
        ],
      );
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
  return { companyId, people: seeds };
}

export interface SavedGroup {
  readonly generation: number;
  readonly level: string;
  readonly members: ReadonlyMap<string, { role: string; enrichment: unknown; research: unknown }>;
}

export async function savedGroup(db: Client, companyId: string): Promise<SavedGroup | undefined> {
  const group = await db.query<{ generation: string; level: string }>(
    `SELECT generation, level FROM buyer_groups WHERE company_id = $1`,
    [companyId],
  );
  const row = group.rows[0];
  if (!row) return undefined;
  const members = await db.query<{
    person_id: string;
    role: string;
    enrichment: unknown;
    research: unknown;
  }>(
    `SELECT person_id, role, enrichment, research FROM buyer_group_members WHERE company_id = $1`,
    [companyId],
  );
  return {
    generation: Number(row.generation),
    level: row.level,
    members: new Map(members.rows.map((m) => [m.person_id, m])),
  };
}

/** Waits until the saved group of the company satisfies `accept`. */
export function waitForGroup(
  companyId: string,
  accept: (group: SavedGroup) => boolean,
  description: string,
  timeoutMs = 60_000,
): Promise<SavedGroup> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const group = await savedGroup(db, companyId);
        return group && accept(group) ? group : undefined;
      }),
    { timeoutMs, intervalMs: 200, description: `${companyId}: ${description}` },
  );
}

export async function refreshLogs(
  db: Client,
  companyId: string,
): Promise<{ generation: number; status: string; reason: string }[]> {
  const { rows } = await db.query<{ generation: string; status: string; reason: string }>(
    `SELECT generation, status, reason FROM buyer_group_refresh_logs WHERE company_id = $1 ORDER BY generation`,
    [companyId],
  );
  return rows.map((r) => ({ ...r, generation: Number(r.generation) }));
}

export async function operations(
  db: Client,
  companyId: string,
  stage: string,
): Promise<
  { key: string; status: string; costUsd: number; createdAt: Date; completedAt: Date | null }[]
> {
  const { rows } = await db.query<{
    idempotency_key: string;
    status: string;
    cost_usd: string | null;
    created_at: Date;
    completed_at: Date | null;
  }>(
    `SELECT idempotency_key, status, cost_usd, created_at, completed_at FROM pipeline_operations
      WHERE company_id = $1 AND stage = $2 ORDER BY created_at`,
    [companyId, stage],
  );
  return rows.map((r) => ({
    key: r.idempotency_key,
    status: r.status,
    costUsd: Number(r.cost_usd ?? 0),
    createdAt: r.created_at,
    completedAt: r.completed_at,
  }));
}

const webhookSources = JSON.parse(
  readFileSync(path.join(repoRoot, 'deploy/local/webhook-sources.json'), 'utf8'),
) as { sources: { demo: { secrets: { value: string }[] } } };
const demoSecret = webhookSources.sources.demo.secrets[0]?.value ?? '';

/**
 * A provider confirming the title the org chart's engineer already has: a refresh of its own
 * (with a known origin, `webhook:demo:<id>`) that leaves the roster, and so the paid input, as
 * it was.
 */
export function confirmation(companyId: string) {
  return {
    id: `evt-${randomUUID()}`,
    type: 'person.role_change',
    timestamp: new Date().toISOString(),
    company: { id: companyId },
    person: { id: `${companyId}-eng`, oldTitle: 'Senior Engineer', newTitle: 'Staff Engineer' },
    changes: { title: { old: 'Senior Engineer', new: 'Staff Engineer' } },
  };
}

/**
 * Posts a Standard-Webhooks-signed event to the running ingress as the `demo` source; `url` is
 * another ingress instance's (`./bgs scale ingress N`).
 */
export async function postWebhook(
  event: object,
  id: string = randomUUID(),
  url: string = ingressUrl,
): Promise<Response> {
  const body = JSON.stringify(event);
  return fetch(`${url}/webhooks/demo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...standardWebhooksHeaders(demoSecret, id, body),
    },
    body,
  });
}

/** The local provider's control API (services/local-provider). */
export const provider = {
  async faults(faults: object): Promise<void> {
    const res = await fetch(`${providerUrl}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    if (!res.ok) throw new Error(`provider faults: ${res.status} ${await res.text()}`);
  },
  async reset(): Promise<void> {
    const res = await fetch(`${providerUrl}/control/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`provider reset: ${res.status}`);
  },
  async stats(): Promise<{
    requests: number;
    billableCalls: number;
    byKey: Record<string, { operation: string; billed: number; requests: number }>;
  }> {
    const res = await fetch(`${providerUrl}/control/stats`);
    return (await res.json()) as Awaited<ReturnType<typeof provider.stats>>;
  },
};

/** One answer of the local provider, from the request log it keeps in Postgres. */
export interface ProviderRequest {
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly status: number;
  /** billed | replayed | fault | rejected | error | unavailable */
  readonly outcome: string;
}

/**
 * Every request the local provider answered for the company, in order: counted where the calls
 * land (`local_provider.requests`), so a repeated call shows even when it is not billed again.
 */
export async function providerRequests(db: Client, companyId: string): Promise<ProviderRequest[]> {
  const { rows } = await db.query<{
    operation: string;
    idempotency_key: string;
    status: number;
    outcome: string;
  }>(
    `SELECT operation, idempotency_key, status, outcome FROM local_provider.requests
      WHERE company_id = $1 ORDER BY id`,
    [companyId],
  );
  return rows.map((r) => ({
    operation: r.operation,
    idempotencyKey: r.idempotency_key,
    status: r.status,
    outcome: r.outcome,
  }));
}

/**
 * Waits until the saved generations of a company include `count` source changes in all (each
 * completed refresh log counts the changes it was the first to include), and returns the total.
 */
export function waitForIncludedChanges(
  companyId: string,
  count: number,
  timeoutMs = 60_000,
): Promise<number> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const { rows } = await db.query<{ total: string | null }>(
          `SELECT sum((changes->>'originCount')::int) AS total FROM buyer_group_refresh_logs
            WHERE company_id = $1 AND status = 'completed'`,
          [companyId],
        );
        const total = Number(rows[0]?.total ?? 0);
        return total >= count ? total : undefined;
      }),
    {
      timeoutMs,
      intervalMs: 200,
      description: `${companyId}: ${count} changes in saved generations`,
    },
  );
}

/** The target every workspace of `createWorkspace` sells to (its INSERT), as discovery takes it. */
export const WORKSPACE_TARGET = {
  productCategory: 'software',
  targetDepartments: ['engineering', 'it'],
} as const;

/** The company's people as the upstream rows hold them now, as discovery takes them. */
export async function upstreamRoster(db: Client, companyId: string): Promise<Person[]> {
  const { rows } = await db.query<PeopleRow>(
    `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
            status, NULL AS updated_at
       FROM people WHERE company_id = $1`,
    [companyId],
  );
  return rows.map((row) => personFromRow(row));
}

/**
 * The group the domain discovers for the company's upstream roster with `changes` applied to
 * some of its people (by id): the expectation of a test, computed by the product's own rules
 * rather than guessed.
 */
export async function expectedGroup(
  db: Client,
  companyId: string,
  changes: Readonly<Record<string, Partial<Person>>> = {},
): Promise<ReadonlyMap<string, string>> {
  const people = (await upstreamRoster(db, companyId)).map((p) => ({ ...p, ...changes[p.id] }));
  const { members } = discoverBuyerGroup({
    company: null,
    people,
    target: { ...WORKSPACE_TARGET, targetDepartments: [...WORKSPACE_TARGET.targetDepartments] },
  });
  return new Map(members.map((m) => [m.personId, m.role]));
}

/** One refresh log of a company: a generation saved (`completed`) or not (`skipped`), and why. */
export interface RefreshLog {
  readonly generation: number;
  readonly status: string;
  readonly reason: string;
  readonly error: string | null;
}

/** Waits until one of the company's refresh logs satisfies `accept`, and returns it. */
export function waitForRefreshLog(
  companyId: string,
  accept: (log: RefreshLog) => boolean,
  description: string,
  timeoutMs = 60_000,
): Promise<RefreshLog> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const { rows } = await db.query<{
          generation: string;
          status: string;
          reason: string;
          error: string | null;
        }>(
          `SELECT generation, status, reason, error FROM buyer_group_refresh_logs
            WHERE company_id = $1 ORDER BY generation`,
          [companyId],
        );
        return rows
          .map((r) => ({ ...r, generation: Number(r.generation) }))
          .find((log) => accept(log));
      }),
    { timeoutMs, intervalMs: 200, description: `${companyId}: ${description}` },
  );
}

/** The completed refresh a webhook of the `demo` source caused (alone or with others). */
export function waitForRefreshByWebhook(companyId: string, eventId: string): Promise<number> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const { rows } = await db.query<{ generation: string }>(
          `SELECT generation FROM buyer_group_refresh_logs
            WHERE company_id = $1 AND status = 'completed' AND triggered_by LIKE $2`,
          [companyId, `%webhook:demo:${eventId}%`],
        );
        return rows[0] ? Number(rows[0].generation) : undefined;
      }),
    { timeoutMs: 60_000, intervalMs: 200, description: `${companyId}: refresh by ${eventId}` },
  );
}

/** A company event: refreshes the group from what is known now, and changes no person. */
export const restructuring = (companyId: string) => ({
  id: `evt-${randomUUID()}`,
  type: 'company.restructuring',
  timestamp: new Date().toISOString(),
  company: { id: companyId },
});

const murmur2Partitioner = Partitioners.DefaultPartitioner();

/** The partition of a company-keyed topic a key lands on (Java's murmur2, as everywhere). */
export function partitionOf(key: string): number {
  return murmur2Partitioner({
    topic: 'any',
    partitionMetadata: Array.from({ length: COMPANY_PARTITIONS }, (_, id) => ({
      partitionId: id,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });
}

/** A fresh company id that lands on the same partition as `neighbour`. */
export function companyIdBeside(neighbour: string): string {
  const partition = partitionOf(neighbour);
  for (;;) {
    const id = uniqueName('co');
    if (partitionOf(id) === partition) return id;
  }
}

/** Writes records to a topic as any other producer would (murmur2, idempotent retries). */
export async function produce(
  topic: string,
  messages: { key: string; value: Buffer; headers?: Record<string, string> }[],
): Promise<void> {
  const producer = kafka().producer(producerDefaults);
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Avro values of one of the pipeline's topics, with its schema from the stack's registry. */
export function topicCodec<T>(topic: string): TopicCodec<T> {
  return createTopicCodec<T>(createSchemaCodec({ url: stack.registryUrl }), topic);
}

const deadLettersCli = path.join(repoRoot, 'packages/platform/dist/cli/dead-letters.js');
const runFile = promisify(execFile);

/** `dead-letters list <stage>`: one line per dead letter (where, key, from, attempts, error). */
export async function listDeadLetters(stage: Stage): Promise<string[]> {
  const { stdout } = await runFile(process.execPath, [deadLettersCli, 'list', stage], {
    cwd: repoRoot,
  });
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Waits until the stage's dead-letter topic holds a letter keyed `key`, and returns its line. */
export function waitForDeadLetter(stage: Stage, key: string, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    async () => (await listDeadLetters(stage)).find((line) => line.includes(`key=${key} `)),
    { timeoutMs, intervalMs: 500, description: `a dead letter keyed ${key} in ${stage}.dlq` },
  );
}

/**
 * `bgs_sink_saves_total{outcome}` as the running sink exports it (0 when it counted none): a
 * counter of the process, shared by every test that runs meanwhile, so only its growth counts.
 */
export async function sinkSaves(outcome: 'saved' | 'already_saved' | 'stale'): Promise<number> {
  const response = await fetch(`${serviceUrl('sink')}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`sink /metrics answered ${response.status}`);
  let total = 0;
  for (const line of (await response.text()).split('\n')) {
    const sample = /^bgs_sink_saves_total\{([^}]*)\} (\S+)$/.exec(line);
    if (sample?.[1]?.split(',').includes(`outcome="${outcome}"`)) total += Number(sample[2]);
  }
  return total;
}
