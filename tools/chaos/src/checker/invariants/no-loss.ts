/**
 * no-loss: every change the run made is reflected in a saved generation of each company it
 * touches.
 *
 * What proves "reflected": the change's own origin among the `origins` of a `buyer-groups`
 * record of that company (a saved, published generation). The refresher coalesces the touches
 * of a company into one refresh, and the enricher and sink keep only the newest generation of a
 * batch, but each of them carries the origins of everything it folds in (up to 500), so a
 * change that reached the sink is named by the generation that first included it. A later
 * generation that merely *contains* the change's effect proves nothing about the change: its
 * roster read would show the same state if the change's event had been dropped on the way.
 *
 * - A webhook's origin is known in advance: `webhook:<source>:<event id>`, matched exactly.
 * - A SQL write's origin is `cdc:people:<person id>:<lsn>`; its position in the Postgres log
 *   cannot be known by the writer, so the origins of a (company, person) are matched to the
 *   person's SQL changes one to one. Each origin is a distinct commit; its time (Debezium's
 *   commit time) lies after the run started and no later than the moment COMMIT returned
 *   (`madeAt`, plus a clock tolerance). The changes are matched earliest deadline first, each to
 *   the earliest origin not taken yet, which pairs every change with an origin whenever any
 *   one-to-one pairing exists. Only the run writes its own workspaces' people after it starts,
 *   so each such origin is one of the run's changes: if a change was lost there are fewer
 *   origins than changes and at least one change stays unpaired, whatever the pairing.
 * - The one case the origins cannot settle: a generation that coalesced more than 500 origins
 *   lists only the first 500 (its refresh log's `originCount` says how many it had). Changes of
 *   that company left unpaired are then accepted only if no more of them are missing than
 *   such generations left out, and said so in a note.
 */
import type { InvariantResult, MadeChange, Violation } from '../types';
import { groupBy, type OriginRef, type PublishedGroup, type RefreshLogRow } from '../records';

export interface SavedGeneration {
  readonly generation: number;
  readonly savedAt: number;
  readonly origins: readonly OriginRef[];
  /** How many origins the generation included (its refresh log's), null if unknown. */
  readonly originCount: number | null;
}

export interface NoLossInput {
  readonly changes: readonly MadeChange[];
  readonly startedAt: number;
  readonly clockToleranceMs: number;
  /** Per company, every generation published on `buyer-groups`. */
  readonly generations: ReadonlyMap<string, readonly SavedGeneration[]>;
}

const NAME = 'no-loss' as const;

/**
 * The generations a skipped one answers for: a generation the sink skipped because a newer one
 * of the company was saved first (its record came back from a retry tier late) is never
 * published, but its refresh log keeps its origins and the generation that overtook it. That
 * newer generation came from a later touch of the same company, so it was discovered after
 * these origins happened and reflects them; it must itself be published.
 */
function overtakenGenerations(
  companyId: string,
  logs: readonly RefreshLogRow[],
  published: ReadonlySet<number>,
): SavedGeneration[] {
  return logs
    .filter(
      (l) =>
        l.companyId === companyId &&
        l.status === 'skipped' &&
        l.supersededBy != null &&
        l.supersededBy > l.generation &&
        published.has(l.supersededBy) &&
        (l.origins?.length ?? 0) > 0,
    )
    .map((l) => ({
      generation: l.generation,
      savedAt: 0,
      origins: l.origins ?? [],
      originCount: l.origins?.length ?? 0,
    }));
}

/** Each company's published generations, with the origin count its refresh log recorded. */
export function savedGenerationsOf(
  published: readonly PublishedGroup[],
  logs: readonly RefreshLogRow[],
): Map<string, SavedGeneration[]> {
  const originCounts = new Map(
    logs.map((l) => [`${l.companyId}\u0000${l.generation}`, l.originCount]),
  );
  const byCompany = groupBy(published, (p) => p.value.companyId);
  const logsByCompany = groupBy(logs, (l) => l.companyId);
  return new Map(
    [...byCompany].map(([companyId, records]) => [
      companyId,
      [
        ...records.map(({ value }) => ({
          generation: value.generation,
          savedAt: value.savedAt,
          origins: value.origins,
          originCount: originCounts.get(`${companyId}\u0000${value.generation}`) ?? null,
        })),
        ...overtakenGenerations(
          companyId,
          logsByCompany.get(companyId) ?? [],
          new Set(records.map((r) => r.value.generation)),
        ),
      ],
    ]),
  );
}

/** The person and log position a Debezium origin of the people table names. */
export function cdcPeopleOrigin(ref: string): { personId: string; lsn: string } | undefined {
  const prefix = 'cdc:people:';
  if (!ref.startsWith(prefix)) return undefined;
  const rest = ref.slice(prefix.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return undefined;
  return { personId: rest.slice(0, colon), lsn: rest.slice(colon + 1) };
}

interface CompanyOrigins {
  readonly refs: ReadonlySet<string>;
  /** Person id → that person's distinct people-table origins. */
  readonly cdcByPerson: ReadonlyMap<string, readonly OriginRef[]>;
  /** Origins the company's generations included but did not list (more than 500). */
  readonly unlisted: number;
}

export function companyOrigins(generations: readonly SavedGeneration[]): CompanyOrigins {
  const refs = new Map<string, OriginRef>();
  // Keyed by generation: a republished generation is counted once. Only a list cut at 500 is
  // shorter than its count (a change named twice is listed twice, and counted twice).
  const unlistedByGeneration = new Map<number, number>();
  for (const generation of generations) {
    for (const origin of generation.origins) refs.set(origin.ref, origin);
    const unlisted = Math.max(0, (generation.originCount ?? 0) - generation.origins.length);
    unlistedByGeneration.set(generation.generation, unlisted);
  }
  const cdc = [...refs.values()].filter((o) => cdcPeopleOrigin(o.ref) !== undefined);
  const cdcByPerson = groupBy(cdc, (o) => cdcPeopleOrigin(o.ref)?.personId ?? '');
  let unlisted = 0;
  for (const count of unlistedByGeneration.values()) unlisted += count;
  return { refs: new Set(refs.keys()), cdcByPerson, unlisted };
}

/**
 * The SQL changes of one person in one company left without an origin: earliest deadline
 * first, each takes the earliest origin in [from, madeAt + tolerance] not taken yet.
 */
export function unpairedSqlChanges(
  changes: readonly MadeChange[],
  origins: readonly OriginRef[],
  from: number,
  toleranceMs: number,
): MadeChange[] {
  const available = origins
    .filter((o) => o.occurredAt >= from)
    .sort((a, b) => a.occurredAt - b.occurredAt);
  const byDeadline = [...changes].sort((a, b) => a.madeAt - b.madeAt);
  const unpaired: MadeChange[] = [];
  let next = 0;
  for (const change of byDeadline) {
    const origin = available[next];
    if (origin !== undefined && origin.occurredAt <= change.madeAt + toleranceMs) next += 1;
    else unpaired.push(change);
  }
  return unpaired;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describe(change: MadeChange, companyId: string, why: string): Violation {
  return {
    invariant: NAME,
    companyId,
    detail: `${change.kind} change ${change.id} (person ${change.personId}, made ${iso(change.madeAt)}) is in no saved generation of ${companyId}: ${why}`,
  };
}

/** The unpaired changes of one company, each with why. */
function missingIn(
  companyId: string,
  changes: readonly MadeChange[],
  origins: CompanyOrigins | undefined,
  input: NoLossInput,
): Violation[] {
  if (origins === undefined) {
    return changes.map((c) => describe(c, companyId, 'the company has no published generation'));
  }
  const missing: Violation[] = [];
  const sqlByPerson = groupBy(
    changes.filter((c) => c.kind === 'sql'),
    (c) => c.personId,
  );
  for (const change of changes) {
    if (change.kind === 'sql') continue;
    if (change.eventId === undefined || change.source === undefined) {
      missing.push(describe(change, companyId, 'a webhook change without source and event id'));
    } else if (!origins.refs.has(`webhook:${change.source}:${change.eventId}`)) {
      missing.push(
        describe(change, companyId, `no origin webhook:${change.source}:${change.eventId}`),
      );
    }
  }
  for (const [personId, sql] of sqlByPerson) {
    const cdc = origins.cdcByPerson.get(personId) ?? [];
    const unpaired = unpairedSqlChanges(sql, cdc, input.startedAt, input.clockToleranceMs);
    const inRun = cdc.filter((o) => o.occurredAt >= input.startedAt).length;
    for (const change of unpaired) {
      const why =
        `${sql.length} SQL changes of the person but ${inRun} cdc:people:${personId} origins ` +
        `since the run started (an UPDATE that changes no significant column makes none)`;
      missing.push(describe(change, companyId, why));
    }
  }
  return missing;
}

export function evaluateNoLoss(input: NoLossInput): InvariantResult {
  const pairs = input.changes.flatMap((change) =>
    [...new Set(change.companyIds)].map((companyId) => ({ companyId, change })),
  );
  const byCompany = new Map(
    [...groupBy(pairs, (p) => p.companyId)].map(([id, list]) => [id, list.map((p) => p.change)]),
  );
  const checked = pairs.length;
  const violations: Violation[] = [];
  const notes: string[] = [];
  for (const [companyId, changes] of byCompany) {
    const generations = input.generations.get(companyId);
    const origins = generations === undefined ? undefined : companyOrigins(generations);
    const missing = missingIn(companyId, changes, origins, input);
    if (missing.length > 0 && origins !== undefined && missing.length <= origins.unlisted) {
      notes.push(
        `${companyId}: ${missing.length} changes not among the listed origins, but its generations ` +
          `coalesced ${origins.unlisted} origins more than they list (over 500): not provable`,
      );
      continue;
    }
    violations.push(...missing);
  }
  return { name: NAME, checked, violations, ...(notes.length > 0 ? { notes } : {}) };
}
