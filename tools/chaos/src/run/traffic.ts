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
import { accepted, postWebhook, roleChangeBody } from './webhook';

const TITLES = [
  'Staff Engineer',
  'Principal Engineer',
  'Engineering Manager',
  'Director of Engineering',
  'Head of Platform',
  'Security Architect',
];

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

/** The next title: another one of the pool, never the current one. */
export function nextTitle(current: string, random: () => number): string {
  const others = TITLES.filter((t) => t !== current);
  return others[Math.floor(random() * others.length)] as string;
}

/** The title a person is known by: the last one reported, else the row's. */
const currentTitle = (person: SeededPerson): string => person.reportedTitle ?? person.rowTitle;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startTraffic(options: TrafficOptions): Traffic {
  const changes: MadeChange[] = [];
  const inFlight = new Set<string>();
  const running = new Set<Promise<void>>();
  const rejected: string[] = [];
  let webhookRetries = 0;
  let sqlNotMade = 0;
  let stopping = false;
  let tick = 0;
  const door = {
    ingressUrl: options.ingressUrl,
    source: options.webhookSource,
    secret: options.webhookSecret,
  };

  const sendWebhook = async (person: SeededPerson, title: string): Promise<void> => {
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
      if (attempt > 0) webhookRetries += 1;
      const status = await postWebhook(door, id, body, 10_000);
      if (accepted(status)) {
        person.reportedTitle = title;
        changes.push({
          id,
          kind: 'webhook',
          personId: person.id,
          companyIds: [person.companyId],
          // 200: an earlier try was accepted; its answer was lost.
          madeAt: status === 202 ? Date.now() : firstTry,
          eventId: id,
          source: options.webhookSource,
        });
        return;
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        rejected.push(`webhook ${id}: ${status}`);
        return;
      }
      await delay(500);
    }
  };

  const writeRow = async (person: SeededPerson, title: string): Promise<void> => {
    try {
      await options.pool.query(
        'UPDATE people SET job_title = $1, updated_at = now() WHERE id = $2',
        [title, person.id],
      );
    } catch {
      sqlNotMade += 1;
      return;
    }
    person.rowTitle = title;
    changes.push({
      id: `sql:${person.id}:${randomUUID().slice(0, 8)}`,
      kind: 'sql',
      personId: person.id,
      companyIds: [person.companyId],
      madeAt: Date.now(),
    });
  };

  const makeOne = (): void => {
    const free = options.people.filter((p) => !inFlight.has(p.id));
    const person = free[Math.floor(options.random() * free.length)];
    if (!person) return;
    tick += 1;
    const viaWebhook = tick % 2 === 0;
    // A webhook reports a title other than the one the person is known by; a SQL write changes
    // the row's own column, or it would be no change at all.
    const title = nextTitle(viaWebhook ? currentTitle(person) : person.rowTitle, options.random);
    inFlight.add(person.id);
    const work = (viaWebhook ? sendWebhook(person, title) : writeRow(person, title)).finally(() => {
      inFlight.delete(person.id);
      running.delete(work);
    });
    running.add(work);
  };

  const startedAt = Date.now();
  let scheduled = 0;
  const timer = setInterval(() => {
    if (stopping) return;
    const due = Math.floor(((Date.now() - startedAt) / 1000) * options.ratePerSecond);
    for (; scheduled < due; scheduled += 1) makeOne();
  }, 20);

  return {
    changes,
    stats: () => ({ made: changes.length, webhookRetries, sqlNotMade, rejected }),
    async stop(timeoutMs = 120_000) {
      stopping = true;
      clearInterval(timer);
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline)
        await Promise.race([...running, delay(200)]);
    },
  };
}
