/**
 * The demo's traffic, wired: the rows as Postgres has them now, the webhook source, the
 * workspace targets, and what to do with each change made or failed.
 */
import type { Pool } from 'pg';
import type { Dataset } from '../dataset/rows';
import { readWorkforce } from '../db/workforce-query';
import { createRandom } from '../random';
import type { MadeChange } from '../report/freshness';
import type { PlannedChange } from './changes';
import type { PacerResult } from './pacer';
import { runTraffic } from './traffic';
import type { PersonState } from './workforce';

export interface DemoTrafficOptions {
  readonly rate: number;
  readonly changes: number | undefined;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly webhook: { readonly url: string; readonly secret: string; readonly source: string };
}

export interface DemoTrafficHandlers {
  /** Everyone the traffic may touch, before it starts (names for the live lines). */
  readonly onPeople: (people: readonly PersonState[]) => void;
  readonly onMade: (change: MadeChange, person: PersonState | undefined) => void;
  readonly onFailed: (change: PlannedChange, error: unknown) => void;
}

export async function runDemoTraffic(
  pool: Pool,
  dataset: Dataset,
  options: DemoTrafficOptions,
  handlers: DemoTrafficHandlers,
): Promise<PacerResult> {
  const workforce = await readWorkforce(
    pool,
    dataset.companies.map((c) => c.id),
  );
  handlers.onPeople(workforce.all());
  return runTraffic(
    { rate: options.rate, changes: options.changes, signal: options.signal },
    {
      pool,
      workforce,
      // A stream of its own, so the traffic does not shift when the dataset code changes.
      random: createRandom((options.seed ^ 0x5eed_cafe) >>> 0),
      targets: new Map(dataset.workspaces.map((w) => [w.workspaceId, w.targetDepartments])),
      webhook: options.webhook,
      onMade: (change) => handlers.onMade(change, workforce.person(change.personId)),
      onFailed: handlers.onFailed,
    },
  );
}
