/**
 * The sink's decisions, apart from the database: which groups of a batch are newer than what
 * is saved, which were saved already (a redelivery), which are stale, and the member diff of
 * each new save. The store runs a fixed number of statements per batch around them.
 */
import type { BuyerGroupMember, PgRow } from '@bgs/db';
import { diffMembers, type MemberDiff } from '@bgs/domain';
import type { BuyerGroupWorkRecord } from '@bgs/platform';

export interface SaveRequest {
  readonly work: BuyerGroupWorkRecord;
  readonly traceId: string | null;
  /** Older generations of the company in the same batch, folded into this one. */
  readonly earlier?: readonly SaveRequest[];
}

export interface SavePlan {
  /** Newer than the saved generation (or the company's first): written. */
  readonly fresh: readonly SaveRequest[];
  /**
   * The saved generation itself: an earlier delivery saved it; published again. Also when the
   * batch folds it into a newer one: the delivery that saved it stopped before publishing
   * (a crash between the database commit and the Kafka commit), and it is published before the
   * newer one, so `buyer-groups` and the diffs of `buyer-group.changes` skip no saved generation.
   */
  readonly alreadySaved: readonly SaveRequest[];
  /** Older than the saved generation: a no-op, logged as skipped. */
  readonly stale: readonly { readonly request: SaveRequest; readonly savedGeneration: number }[];
}

const byCompanyId = (a: SaveRequest, b: SaveRequest): number =>
  a.work.companyId < b.work.companyId ? -1 : a.work.companyId > b.work.companyId ? 1 : 0;

/** Sorts by company id (the order rows are locked in, so two batches never deadlock). */
export function planSaves(
  requests: readonly SaveRequest[],
  savedGenerations: ReadonlyMap<string, number>,
): SavePlan {
  const plan = {
    fresh: [] as SaveRequest[],
    alreadySaved: [] as SaveRequest[],
    stale: [] as SavePlan['stale'][number][],
  };
  for (const request of [...requests].sort(byCompanyId)) {
    const saved = savedGenerations.get(request.work.companyId);
    if (saved === undefined || saved < request.work.generation) {
      const redelivered = request.earlier?.find((e) => e.work.generation === saved);
      if (redelivered) plan.alreadySaved.push(redelivered);
      plan.fresh.push(saved === undefined ? request : withoutSavedOrigins(request, saved));
    } else if (saved === request.work.generation) plan.alreadySaved.push(request);
    else plan.stale.push({ request, savedGeneration: saved });
  }
  return plan;
}

/**
 * The request without the origins it took over from the generation saved already. Folding a
 * batch's older generations into the newest (newestPerCompany) makes the newest the first to
 * include their changes; but the one an earlier delivery saved (a redelivered batch) included
 * its own before, and is published again with them. Claimed again, those changes would show in
 * two generations. An older one that was never saved (overtaken by the saved one, back late
 * from a retry tier) keeps its origins in the newest: nothing else answers for them.
 */
export function withoutSavedOrigins(request: SaveRequest, saved: number): SaveRequest {
  const savedBefore = (request.earlier ?? []).filter((e) => e.work.generation === saved);
  if (savedBefore.length === 0) return request;
  // A multiset: the same change may rightly be in the newest again (a replayed CDC event).
  const claimed = new Map<string, number>();
  for (const ref of savedBefore.flatMap((e) => e.work.origins.map((o) => o.ref))) {
    claimed.set(ref, (claimed.get(ref) ?? 0) + 1);
  }
  const origins = request.work.origins.filter((origin) => {
    const left = claimed.get(origin.ref) ?? 0;
    if (left > 0) claimed.set(origin.ref, left - 1);
    return left === 0;
  });
  const originCount = savedBefore.reduce(
    (n, e) => n - e.work.originCount,
    request.work.originCount,
  );
  return {
    ...request,
    work: { ...request.work, origins, originCount: Math.max(originCount, origins.length) },
  };
}

/** A saved member as the store reads it (`score`, numeric, as the string pg returns). */
export type SavedMemberRow = PgRow<
  BuyerGroupMember,
  'companyId' | 'personId' | 'role' | 'score' | 'rationale'
>;

type WorkMember = BuyerGroupWorkRecord['members'][number];

/**
 * The members of the new saves whose row would change: new to the group, or with another
 * role, score or rationale, or carrying paid data (a free refresh carries none and keeps what
 * was bought). Most refreshes change one member or none; the others are not written again.
 */
export function membersToWrite(
  fresh: readonly SaveRequest[],
  savedMembers: readonly SavedMemberRow[],
): { readonly work: BuyerGroupWorkRecord; readonly member: WorkMember }[] {
  const saved = new Map(
    savedMembers.map((row) => [`${row.company_id}\u0000${row.person_id}`, row]),
  );
  return fresh.flatMap(({ work }) =>
    work.members
      .filter((m) => {
        const row = saved.get(`${work.companyId}\u0000${m.personId}`);
        return (
          row === undefined ||
          row.role !== m.role ||
          Number(row.score) !== clamp10(m.score) ||
          row.rationale !== m.rationale ||
          m.enrichment !== null ||
          m.research !== null
        );
      })
      .map((member) => ({ work, member })),
  );
}

/** Each new save's diff against the members saved before it. */
export function diffsAgainstSaved(
  fresh: readonly SaveRequest[],
  savedMembers: readonly SavedMemberRow[],
): Map<string, MemberDiff> {
  const before = new Map<string, { personId: string; fullName: null; role: string }[]>();
  for (const row of savedMembers) {
    const list = before.get(row.company_id) ?? [];
    list.push({ personId: row.person_id, fullName: null, role: row.role });
    before.set(row.company_id, list);
  }
  return new Map(
    fresh.map(({ work }) => [
      work.companyId,
      diffMembers(
        before.get(work.companyId) ?? [],
        work.members.map((m) => ({ personId: m.personId, fullName: m.fullName, role: m.role })),
      ),
    ]),
  );
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
export const clamp10 = (value: number): number => Math.min(10, Math.max(0, round2(value)));
