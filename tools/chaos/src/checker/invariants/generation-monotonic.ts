/**
 * generation-monotonic: read in offset order, partition by partition, no company's published
 * generation ever goes down. The same generation again is a republish (a redelivered sink batch
 * finds its generation saved and publishes it again from the stored log), allowed only with
 * the same content: a second, different group under one generation would mean two saves
 * disagreed about it. A company's records must also all be in one partition under its own key,
 * or their order would mean nothing.
 */
import type { InvariantResult, Violation } from '../types';
import { compareOffsets, type BuyerGroupState, type PublishedGroup } from '../records';

const NAME = 'generation-monotonic' as const;

/** JSON with object keys sorted, so two equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** The top-level fields in which two records of one generation differ. */
export function differingFields(a: BuyerGroupState, b: BuyerGroupState): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  return [...fields].filter((f) => canonicalJson(left[f]) !== canonicalJson(right[f])).sort();
}

const at = (r: PublishedGroup): string => `${r.partition}:${r.offset}`;

export function evaluateGenerations(published: readonly PublishedGroup[]): InvariantResult {
  const violations: Violation[] = [];
  const violation = (companyId: string, detail: string): void => {
    violations.push({ invariant: NAME, companyId, detail });
  };
  const ordered = [...published].sort(
    (a, b) => a.partition - b.partition || compareOffsets(a.offset, b.offset),
  );
  const last = new Map<string, PublishedGroup>();
  const partitions = new Map<string, Set<number>>();
  let republishes = 0;
  for (const record of ordered) {
    const { companyId, generation } = record.value;
    if (record.key !== companyId) {
      violation(companyId, `record ${at(record)} holds ${companyId} under key ${record.key}`);
    }
    partitions.set(companyId, (partitions.get(companyId) ?? new Set()).add(record.partition));
    const previous = last.get(companyId);
    last.set(companyId, record);
    if (previous === undefined || previous.partition !== record.partition) continue;
    const before = previous.value.generation;
    if (generation < before) {
      violation(
        companyId,
        `generation ${generation} at ${at(record)} after ${before} at ${at(previous)}`,
      );
    } else if (generation === before) {
      republishes += 1;
      const fields = differingFields(previous.value, record.value);
      if (fields.length > 0) {
        violation(
          companyId,
          `generation ${generation} republished at ${at(record)} with other ${fields.join(', ')} than at ${at(previous)}`,
        );
      }
    }
  }
  for (const [companyId, seen] of partitions) {
    if (seen.size > 1) {
      violation(companyId, `records in partitions ${[...seen].sort().join(', ')}`);
    }
  }
  return {
    name: NAME,
    checked: published.length,
    violations,
    ...(republishes > 0 ? { notes: [`${republishes} republished generations`] } : {}),
  };
}
