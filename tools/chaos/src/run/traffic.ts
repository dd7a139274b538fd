/**
 * Steady traffic for the chaos run, open loop: every 1/rate s one change of a seeded person's
 * title, alternately a signed webhook to ingress and a SQL write to `people`. A webhook is
 * retried with its own id until ingress accepts it (202, or 200 when an earlier try was
 * accepted but its answer lost), as a provider would; a SQL write that fails (Postgres down) is
 * not made. Only what was made is recorded, for the checker.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { MadeChange } from '../checker/types';
import type { SeededPerson } from './seed';
import { acceptedAt, changesDue, currentTitle, planChange, webhookAnswer } from './traffic-plan';
import { postWebhook, roleChangeBody, type WebhookDoor } from './webhook';

export interface TrafficOptions {
  readonly pool: Pool;
  readonly ingressUrl: string;
  readonly webhookSource: string;
  readonly webhookSecret: string;
  readonly people: readonly SeededPerson[];
  readonly ratePerSecond: number;
  readonly random: () => number;
}

export interface TrafficStats {
  readonly made: number;
  readonly webhookRetries: number;
  readonly sqlNotMade: number;
  readonly rejected: readonly string[];
}

export interface Traffic {
  readonly changes: readonly MadeChange[];
  stats(): TrafficStats;
  /** Stops scheduling, and waits for the webhooks still being retried (bounded). */
  stop(timeoutMs?: number): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the traffic made and counted so far; each change adds to it once it is made. */
interface Made {
  readonly changes: MadeChange[];
  readonly rejected: string[];
  webhookRetries: number;
  sqlNotMade: number;
}

async function sendWebhook(
  door: WebhookDoor,
  made: Made,
  person: SeededPerson,
  title: string,
): Promise<void> {
  const id = `evt-${randomUUID()}`;
  const firstTry = Date.now();
  const body = roleChangeBody(
    id,
    {
      companyId: person.companyId,
      personId: person.id,
      oldTitle: currentTitle(person),
      newTitle: title,
    },
    firstTry,
  );
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) made.webhookRetries += 1;
    const status = await postWebhook(door, id, body, 10_000);
    const answer = webhookAnswer(status);
    if (answer === 'accepted') {
      person.reportedTitle = title;
      made.changes.push({
        id,
        kind: 'webhook',
        personId: person.id,
        companyIds: [person.companyId],
        madeAt: acceptedAt(status, firstTry, Date.now()),
        eventId: id,
        source: door.source,
      });
      return;
    }
    if (answer === 'refused') {
      made.rejected.push(`webhook ${id}: ${status}`);
      return;
    }
    await delay(500);
  }
}

async function writeRow(
  pool: Pool,
  made: Made,
  person: SeededPerson,
  title: string,
): Promise<void> {
  try {
    await pool.query('UPDATE people SET job_title = $1, updated_at = now() WHERE id = $2', [
      title,
      person.id,
    ]);
  } catch {
    made.sqlNotMade += 1;
    return;
  }
  person.rowTitle = title;
  made.changes.push({
    id: `sql:${person.id}:${randomUUID().slice(0, 8)}`,
    kind: 'sql',
    personId: person.id,
    companyIds: [person.companyId],
    madeAt: Date.now(),
  });
}

export function startTraffic(options: TrafficOptions): Traffic {
  const made: Made = { changes: [], rejected: [], webhookRetries: 0, sqlNotMade: 0 };
  const door: WebhookDoor = {
    ingressUrl: options.ingressUrl,
    source: options.webhookSource,
    secret: options.webhookSecret,
  };
  const inFlight = new Set<string>();
  const running = new Set<Promise<void>>();
  let planned = 0;
  let stopping = false;

  const makeOne = (): void => {
    const plan = planChange(options.people, inFlight, planned, options.random);
    if (!plan) return;
    planned += 1;
    const { person, title } = plan;
    inFlight.add(person.id);
    const work = (
      plan.viaWebhook
        ? sendWebhook(door, made, person, title)
        : writeRow(options.pool, made, person, title)
    ).finally(() => {
      inFlight.delete(person.id);
      running.delete(work);
    });
    running.add(work);
  };

  const startedAt = Date.now();
  let scheduled = 0;
  const timer = setInterval(() => {
    if (stopping) return;
    const due = changesDue(Date.now() - startedAt, options.ratePerSecond);
    for (; scheduled < due; scheduled += 1) makeOne();
  }, 20);

  return {
    changes: made.changes,
    stats: () => ({
      made: made.changes.length,
      webhookRetries: made.webhookRetries,
      sqlNotMade: made.sqlNotMade,
      rejected: made.rejected,
    }),
    async stop(timeoutMs = 120_000) {
      stopping = true;
      clearInterval(timer);
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline)
        await Promise.race([...running, delay(200)]);
    },
  };
}
