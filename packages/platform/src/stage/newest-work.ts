/**
 * Within a batch only the newest generation of a company is worth paying for: the sink would
 * turn every older one into a no-op. The newest takes over the older ones' origins, so every
 * change still shows up in a saved generation.
 */
import { MAX_ORIGINS, type BuyerGroupWorkRecord } from '../kafka/records';
import type { StageRecord } from './stage-record';

export function newestPerCompany(
  records: readonly StageRecord<BuyerGroupWorkRecord>[],
): StageRecord<BuyerGroupWorkRecord>[] {
  const newest = new Map<string, StageRecord<BuyerGroupWorkRecord>>();
  const superseded = new Map<string, StageRecord<BuyerGroupWorkRecord>[]>();
  for (const record of records) {
    const id = record.value.companyId;
    const current = newest.get(id);
    if (!current || record.value.generation >= current.value.generation) {
      if (current) superseded.set(id, [...(superseded.get(id) ?? []), current]);
      newest.set(id, record);
    } else {
      superseded.set(id, [...(superseded.get(id) ?? []), record]);
    }
  }
  return [...newest.values()].map((record) => {
    const older = superseded.get(record.value.companyId) ?? [];
    if (older.length === 0) return record;
    const all = oncePerGeneration([...older, record]);
    const origins = all.flatMap((r) => r.value.origins);
    return {
      ...record,
      value: {
        ...record.value,
        origins: origins.slice(0, MAX_ORIGINS),
        originCount: all.reduce((sum, r) => sum + r.value.originCount, 0),
      },
    };
  });
}

/**
 * One record per generation, the last delivered. A generation is one refresh's work: two
 * records of the same generation are a redelivery (a stage's input read again after its
 * outputs were committed, as when a broker rejoins its cluster), and folded twice its origins
 * would show twice in the save.
 */
function oncePerGeneration(
  records: readonly StageRecord<BuyerGroupWorkRecord>[],
): StageRecord<BuyerGroupWorkRecord>[] {
  return [...new Map(records.map((r) => [r.value.generation, r])).values()];
}
