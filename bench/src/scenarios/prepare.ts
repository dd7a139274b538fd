/**
 * Every scenario starts the same way: the dataset is in Postgres (loaded only where it differs)
 * and our pipeline has worked through whatever that load changed, so the measurement is of the
 * scenario's own changes.
 */
import { generateDataset, loadDataset, type Dataset, type LoadResult } from '@bgs/demo';
import { Topics } from '@bgs/platform';
import type { Admin } from 'kafkajs';
import type { BenchOptions } from '../args';
import { say } from '../output';
import { waitForIdle } from '../systems/idle';
import type { BenchStack } from '../systems/stack';

export interface PreparedDataset {
  readonly dataset: Dataset;
  readonly load: LoadResult;
  /** Rows the load inserted or updated: more than 0 makes the next run "the first after a load". */
  readonly rowsWritten: number;
  readonly idleAfterMs: number;
}

const IDLE_TIMEOUT_MS = 15 * 60_000;

export const rowsWritten = (load: LoadResult): number =>
  [load.workspaces, load.companies, load.people].reduce(
    (sum, table) => sum + table.inserted + table.updated,
    0,
  );

async function endOffsetTotal(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, { high }) => sum + Number(high), 0);
}

/** Debezium publishes a load's rows a little after the commit: wait until they are all out. */
async function waitForCdc(admin: Admin, from: number, records: number, signal: AbortSignal) {
  const deadline = Date.now() + IDLE_TIMEOUT_MS;
  let lastSaid = Date.now();
  for (;;) {
    const published = (await endOffsetTotal(admin, Topics.cdcPeople)) - from;
    if (published >= records || signal.aborted) return;
    if (Date.now() > deadline) throw new Error(`Debezium published ${published} of ${records}`);
    if (Date.now() - lastSaid >= 5_000) {
      say(`· Debezium has published ${published} of the load's ${records} people changes`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function prepareDataset(
  stack: BenchStack,
  options: Pick<BenchOptions, 'companies' | 'seed'>,
  signal: AbortSignal,
): Promise<PreparedDataset> {
  const dataset = generateDataset({ companies: options.companies, seed: options.seed });
  say(
    `dataset: ${dataset.companies.length} companies, ${dataset.people.length} people ` +
      `(seed ${options.seed}); loading what differs`,
  );
  const cdcBefore = await endOffsetTotal(stack.admin, Topics.cdcPeople);
  const load = await loadDataset(stack.pool, dataset);
  const written = rowsWritten(load);
  say(
    `loaded in ${(load.elapsedMs / 1000).toFixed(1)} s: ${written} rows written ` +
      `(${load.people.inserted} people inserted, ${load.people.updated} updated)`,
  );
  const peopleWritten = load.people.inserted + load.people.updated;
  if (peopleWritten > 0) await waitForCdc(stack.admin, cdcBefore, peopleWritten, signal);
  say('waiting for our pipeline to be idle (consumer lag 0) before measuring');
  const idleAfterMs = await waitForIdle(stack.admin, {
    timeoutMs: IDLE_TIMEOUT_MS,
    say,
    signal,
  });
  say(`idle after ${(idleAfterMs / 1000).toFixed(1)} s`);
  return { dataset, load, rowsWritten: written, idleAfterMs };
}
