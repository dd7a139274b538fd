/**
 * The sink's handler: save the batch (newest generation per company) in one database
 * transaction, then hand back what to publish: the latest state to the compacted buyer-groups
 * topic, and a change notification when members or roles really changed. The runtime commits
 * those records and the offsets in one Kafka transaction after the database commit, so a crash
 * between the two replays the batch, which the generation guard turns into a re-publish.
 *
 * The save is one span (`sink save`) for the batch's one database transaction: the child of the
 * newest record's span, linked to every record's (originsOf), as it answers for all of them.
 */
import {
  ATTR_DB_SYSTEM_NAME,
  Headers,
  Topics,
  isReplay,
  runInSpan,
  startLinkedSpan,
  newestPerCompany,
  passThroughHeaders,
  type BuyerGroupChangeRecord,
  type BuyerGroupStateRecord,
  type BuyerGroupWorkRecord,
  type Failpoints,
  type OutputRecord,
  type StageHandler,
  type StageRecord,
  type TopicCodec,
} from '@bgs/platform';
import type { BuyerGroupStore, SaveOutcome } from './buyer-group-store';
import type { SinkMetrics } from './metrics';

export interface SaveHandlerDeps {
  readonly store: BuyerGroupStore;
  readonly stateCodec: TopicCodec<BuyerGroupStateRecord>;
  readonly changeCodec: TopicCodec<BuyerGroupChangeRecord>;
  readonly failpoints: Failpoints;
  readonly metrics: SinkMetrics;
}

/** The trace id of a W3C traceparent (version-traceid-spanid-flags). */
export function traceIdOf(traceparent: string | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return match?.[1] ?? null;
}

function stateOf(
  outcome: Extract<SaveOutcome, { kind: 'saved' | 'already_saved' }>,
): BuyerGroupStateRecord {
  const { work } = outcome;
  return {
    companyId: work.companyId,
    workspaceId: work.workspaceId,
    generation: work.generation,
    level: work.level,
    confidence: work.confidence,
    cohesion: work.cohesion,
    status: work.status,
    computedAt: work.discoveredAt,
    members: work.members,
    savedAt: outcome.savedAt,
    costUsd: work.costUsd,
    companySummary: work.companySummary,
    origins: work.origins,
  };
}

function changeOf(
  outcome: Extract<SaveOutcome, { kind: 'saved' | 'already_saved' }>,
): BuyerGroupChangeRecord | undefined {
  const { work, diff } = outcome;
  if (diff.added.length + diff.removed.length + diff.roleChanged.length === 0) return undefined;
  return {
    companyId: work.companyId,
    workspaceId: work.workspaceId,
    generation: work.generation,
    previousGeneration: outcome.previousGeneration,
    level: work.level,
    savedAt: outcome.savedAt,
    added: diff.added,
    removed: diff.removed,
    roleChanged: diff.roleChanged,
    origins: work.origins,
  };
}

/**
 * Each company's records of the batch older than its newest (folded into it), one per
 * generation: a redelivered copy is the same work (newestPerCompany folds it once too).
 */
export function earlierByCompany(
  records: readonly StageRecord<BuyerGroupWorkRecord>[],
  newest: readonly StageRecord<BuyerGroupWorkRecord>[],
): Map<string, StageRecord<BuyerGroupWorkRecord>[]> {
  const newestGeneration = new Map(newest.map((r) => [r.value.companyId, r.value.generation]));
  const earlier = new Map<string, StageRecord<BuyerGroupWorkRecord>[]>();
  for (const record of records) {
    const { companyId, generation } = record.value;
    if (generation >= (newestGeneration.get(companyId) ?? generation)) continue;
    const folded = earlier.get(companyId) ?? [];
    if (folded.some((r) => r.value.generation === generation)) continue;
    earlier.set(companyId, [...folded, record]);
  }
  return earlier;
}

export function createSaveHandler(deps: SaveHandlerDeps): StageHandler<BuyerGroupWorkRecord> {
  return async (records) => {
    const newest = newestPerCompany(records);
    const headersOf = new Map(newest.map((r) => [r.value.companyId, r.headers]));
    const requestOf = (r: StageRecord<BuyerGroupWorkRecord>) => ({
      work: r.value,
      traceId: traceIdOf(r.headers[Headers.traceparent]),
    });
    const earlier = earlierByCompany(records, newest);
    const save = startLinkedSpan(
      'sink save',
      records.map((r) => r.headers[Headers.traceparent]),
      { attributes: { [ATTR_DB_SYSTEM_NAME]: 'postgresql', 'bgs.save.companies': newest.length } },
    );
    const outcomes = await runInSpan(save, async (span) => {
      const saved = await deps.store.saveBatch(
        newest.map((r) => ({
          ...requestOf(r),
          earlier: (earlier.get(r.value.companyId) ?? []).map(requestOf),
        })),
      );
      for (const kind of ['saved', 'already_saved', 'stale'] as const) {
        span.setAttribute(`bgs.save.${kind}`, saved.filter((o) => o.kind === kind).length);
      }
      return saved;
    });
    await deps.failpoints.reach(
      'sink.after-db-commit',
      outcomes.map((o) => o.work.companyId),
    );

    const outputs: OutputRecord[] = [];
    for (const outcome of outcomes) {
      deps.metrics.saves.inc({ outcome: outcome.kind });
      if (outcome.kind === 'stale') continue;
      const inherited = headersOf.get(outcome.work.companyId) ?? {};
      const headers = passThroughHeaders(inherited);
      // A replay's change happened long before the operator replayed it: its age is no measure
      // of how fresh the pipeline keeps groups.
      if (outcome.kind === 'saved' && !isReplay(inherited)) {
        for (const origin of outcome.work.origins) {
          deps.metrics.freshness.observe(Math.max(0, outcome.savedAt - origin.occurredAt) / 1000);
        }
      }
      outputs.push({
        topic: Topics.buyerGroups,
        key: outcome.work.companyId,
        value: await deps.stateCodec.encode(stateOf(outcome)),
        headers,
      });
      const change = changeOf(outcome);
      if (change) {
        outputs.push({
          topic: Topics.buyerGroupChanges,
          key: change.companyId,
          value: await deps.changeCodec.encode(change),
          headers,
        });
      }
    }
    return outputs;
  };
}
