/**
 * What each hop of the pipeline costs, per stage and consumer group:
 * - queueing: from the moment a record was written to its input topic (its Kafka timestamp)
 *   until its batch starts being handled: time in the topic, the transaction's commit markers
 *   becoming visible to read_committed consumers, and the fetch;
 * - handling: the handler's own work (database reads, discovery, provider calls);
 * - commit: the Kafka transaction that publishes the outputs with the offsets.
 * Together they say where a change's freshness goes, hop by hop (`bench/README.md`).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Fine below 100 ms, where a hop should live; SLO thresholds (1 s, 5 s) exactly. */
export const HOP_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export type StageLabels = 'stage' | 'group';

export interface StageMetrics {
  readonly records: Counter<'stage' | 'outcome'>;
  readonly batchSeconds: Histogram<StageLabels>;
  readonly queueSeconds: Histogram<StageLabels>;
  readonly handleSeconds: Histogram<StageLabels>;
  readonly commitSeconds: Histogram<StageLabels>;
  readonly batchRecords: Histogram<StageLabels>;
}

function histogram(registry: Registry, name: string, help: string, buckets: number[]) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<StageLabels>;
  return new Histogram({
    name,
    help,
    labelNames: ['stage', 'group'] as const,
    buckets,
    registers: [registry],
  });
}

/** One set per registry: a service with several stage consumers shares them. */
export function stageMetrics(registry: Registry): StageMetrics {
  const records =
    (registry.getSingleMetric('bgs_stage_records_total') as Counter<'stage' | 'outcome'>) ??
    new Counter({
      name: 'bgs_stage_records_total',
      help: 'Records a stage consumed, by outcome: processed, skipped, retried, dead_lettered',
      labelNames: ['stage', 'outcome'] as const,
      registers: [registry],
    });
  return {
    records,
    batchSeconds: histogram(
      registry,
      'bgs_stage_batch_seconds',
      'Time to handle and commit one partition batch',
      HOP_BUCKETS_SECONDS,
    ),
    queueSeconds: histogram(
      registry,
      'bgs_stage_queue_seconds',
      "From a record's write to its input topic until its batch is handled (first deliveries)",
      HOP_BUCKETS_SECONDS,
    ),
    handleSeconds: histogram(
      registry,
      'bgs_stage_handle_seconds',
      "The handler's work on one partition batch",
      HOP_BUCKETS_SECONDS,
    ),
    commitSeconds: histogram(
      registry,
      'bgs_stage_commit_seconds',
      'The Kafka transaction that publishes a batch with its offsets',
      HOP_BUCKETS_SECONDS,
    ),
    batchRecords: histogram(
      registry,
      'bgs_stage_batch_records',
      'Records in one partition batch',
      [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    ),
  };
}
