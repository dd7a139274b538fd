/**
 * Live traffic: plans changes against the current rows and makes them, SQL writes through
 * Postgres and provider webhooks through ingress, at a steady rate. Each change made is
 * reported with its kind, the companies it touches and, for a webhook, its origin ref.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Random } from '../random';
import type { MadeChange } from '../report/freshness';
import { stampWebhookEvent, webhookRef } from '../webhooks/event';
import { sendWebhook, type WebhookTarget } from '../webhooks/send';
import type { PlannedChange } from './changes';
import { runPaced, type PacerResult } from './pacer';
import { planChange } from './plan';
import { rowChangeSql } from './sql';
import { rank } from './person-moves';
import type { PersonState, Workforce } from './workforce';

export interface TrafficOptions {
  readonly rate: number;
  readonly changes: number | undefined;
  readonly signal: AbortSignal;
}

export interface TrafficDeps {
  readonly pool: Pool;
  readonly workforce: Workforce;
  readonly random: Random;
  /** Each workspace's target departments: changes there are the ones that move a group. */
  readonly targets: ReadonlyMap<string, readonly string[]>;
  readonly webhook: WebhookTarget & { readonly source: string };
  readonly onMade: (change: MadeChange) => void;
  readonly onFailed: (change: PlannedChange, error: unknown) => void;
}

/**
 * The pacer's in-flight cap: two seconds of changes at the rate asked for, and at least 64. The
 * cap only bounds memory; a fixed 64 capped the demo at ~70 changes/s as soon as a request took
 * a second (a busy machine), whatever --rate said. SQL writes past the pool's connections wait
 * in the pool's queue (main.ts), they do not fail.
 */
export function maxInFlightFor(rate: number): number {
  return Math.max(64, Math.ceil(rate * 2));
}
const MAX_CONSECUTIVE_FAILURES = 20;

/**
 * Most people never make a buyer group, and a change to them saves the group unchanged. To
 * show groups actually changing, the traffic favours people in the workspace's target
 * departments and people with some seniority, without leaving anyone out.
 */
export function focusWeight(
  workforce: Workforce,
  targets: ReadonlyMap<string, readonly string[]>,
): (person: PersonState) => number {
  return (person) => {
    const workspaceId = workforce.company(person.companyId)?.workspaceId ?? '';
    const inTarget = targets.get(workspaceId)?.includes(person.department ?? '') ?? false;
    return (inTarget ? 4 : 1) * (rank(person.seniority) <= rank('manager') ? 2 : 1);
  };
}

export class StaleRowError extends Error {
  override readonly name = 'StaleRowError';
}

export async function runTraffic(options: TrafficOptions, deps: TrafficDeps): Promise<PacerResult> {
  const { pool, workforce, random, webhook } = deps;
  // Event ids must be new to ingress on every run, or it answers "already processed".
  const runTag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  /** People with a write in flight: their next change waits, so writes apply in order. */
  const busy = new Set<string>();
  /** People whose row may not be what we think (a write failed): left alone from now on. */
  const distrusted = new Set<string>();
  let seq = 0;
  const weightOf = focusWeight(workforce, deps.targets);

  async function make(change: PlannedChange, number: number): Promise<MadeChange> {
    const base = {
      seq: number,
      personId: change.personId,
      kind: `${change.via}:${change.kind}`,
      companyIds: change.companyIds,
      summary: change.summary,
    };
    if (change.via === 'sql') {
      const { text, values } = rowChangeSql(change.row);
      const result = await pool.query(text, [...values]);
      if (result.rowCount !== 1) throw new StaleRowError(`${change.personId} was not as expected`);
      return { ...base, ref: undefined, madeAt: Date.now() };
    }
    const eventId = `evt_demo_${runTag}_${number}`;
    const atMs = Date.now();
    const { body } = stampWebhookEvent(change.event, eventId, webhook.source, atMs);
    await sendWebhook(webhook, eventId, body, atMs);
    return { ...base, ref: webhookRef(webhook.source, eventId), madeAt: atMs };
  }

  return runPaced(
    {
      rate: options.rate,
      successes: options.changes,
      signal: options.signal,
      maxInFlight: maxInFlightFor(options.rate),
      maxConsecutiveFailures: MAX_CONSECUTIVE_FAILURES,
    },
    async () => {
      const change = planChange({
        random,
        workforce,
        isAvailable: (id) => !busy.has(id) && !distrusted.has(id),
        weightOf,
      });
      if (!change) return false;
      // The picture moves on at once, so the next plan builds on this change.
      if (change.via === 'sql') {
        workforce.apply(change.row);
        busy.add(change.personId);
      }
      try {
        deps.onMade(await make(change, ++seq));
        return true;
      } catch (error) {
        if (change.via === 'sql') {
          distrusted.add(change.personId);
          // A hire that never made it must not become anyone's manager.
          if (change.row.op === 'insert') workforce.update(change.personId, { status: 'left' });
        }
        deps.onFailed(change, error);
        throw error;
      } finally {
        busy.delete(change.personId);
      }
    },
  );
}
