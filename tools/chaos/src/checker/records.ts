/**
 * The decoded records and rows the invariants work on. Spelled here from the schemas
 * (schemas/buyer-group.avsc) and the table definitions, not taken from the services' types: the
 * checker must not share code with what it checks.
 */

export interface OriginRef {
  readonly ref: string;
  /** Epoch ms (timestamp-millis decoded as a plain long). */
  readonly occurredAt: number;
}

export interface StateMember {
  readonly personId: string;
  readonly fullName: string | null;
  readonly title: string | null;
  readonly department: string | null;
  readonly seniority: string | null;
  readonly role: string;
  readonly score: number;
  readonly rationale: string;
  readonly enrichment: string | null;
  readonly research: string | null;
}

/** A `buyer-groups` value (schemas/buyer-group.avsc). */
export interface BuyerGroupState {
  readonly companyId: string;
  readonly workspaceId: string;
  readonly generation: number;
  readonly level: string;
  readonly confidence: number;
  readonly cohesion: number;
  readonly status: string;
  readonly computedAt: number;
  readonly members: readonly StateMember[];
  readonly savedAt: number;
  readonly costUsd: number;
  readonly companySummary: string | null;
  readonly origins: readonly OriginRef[];
}

/** One published generation: a `buyer-groups` record where the topic holds it. */
export interface PublishedGroup {
  /** The record key. */
  readonly key: string;
  readonly partition: number;
  /** Decimal string: offsets may exceed 2^53 in principle. */
  readonly offset: string;
  readonly value: BuyerGroupState;
}

/** A `buyer_group_refresh_logs` row. */
export interface RefreshLogRow {
  readonly companyId: string;
  readonly generation: number;
  readonly status: string;
  readonly error: string | null;
  /** `changes.originCount`: how many origins the saved generation included (null if unknown). */
  readonly originCount: number | null;
  /** A skipped generation: the saved one that overtook it (`changes.supersededBy`), if recorded. */
  readonly supersededBy?: number | null;
  /** A skipped generation: the origins it answered for (`changes.origins`). */
  readonly origins?: readonly OriginRef[];
}

/** A `buyer_group_members` row. */
export interface MemberRow {
  readonly companyId: string;
  readonly personId: string;
  readonly role: string;
  readonly score: number;
}

/** A `buyer_groups` row. */
export interface SavedGroupRow {
  readonly companyId: string;
  readonly generation: number;
  readonly confidence: number | null;
  readonly cohesion: number | null;
}

/** The offset order of a partition: compared as integers, not as text. */
export function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Each company's newest published generation: the highest generation, and of equal ones the
 * later offset (a republish). Generations only grow, so this is also what the sink saved last.
 */
export function newestByCompany(published: readonly PublishedGroup[]): Map<string, PublishedGroup> {
  const newest = new Map<string, PublishedGroup>();
  for (const record of published) {
    const current = newest.get(record.value.companyId);
    if (
      current === undefined ||
      record.value.generation > current.value.generation ||
      (record.value.generation === current.value.generation &&
        compareOffsets(record.offset, current.offset) > 0)
    ) {
      newest.set(record.value.companyId, record);
    }
  }
  return newest;
}

/** Values grouped by a key, in input order. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  return groups;
}

/** The sink stores scores and group metrics as numeric(4,2) clamped to 0..10. */
export const clamp10 = (value: number): number =>
  Math.min(10, Math.max(0, Math.round(value * 100) / 100));
