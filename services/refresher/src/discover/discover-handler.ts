/**
 * The discovery step: coalesce a batch's touches per company, read each roster once, apply the
 * paid-refresh cooldown, run discovery, and emit the group keyed by company: to the enricher
 * (buyer-group.discovered), or straight to the sink when it has nothing to buy (work-route.ts).
 * Deferrals coming back from refresher.deferred re-enter company-touches, so they get a fresh
 * (newer) generation instead of carrying their old one past newer saves.
 *
 * A coalesced refresh answers several origins, so its span (`refresh`) is the child of the
 * newest touch's span, whose headers travel on, and links to every touch's span: each origin's
 * trace leads to the refresh that included it. Its outputs carry the refresh span on.
 */
import { discoverBuyerGroup, isPaidLevel, mergeRoster, type EnrichmentLevel } from '@bgs/domain';
import {
  Headers,
  Topics,
  integerHeader,
  deferralTierFor,
  deferralTopic,
  deferralTopics,
  headersWithSpan,
  passThroughHeaders,
  recordFailure,
  startLinkedSpan,
  type Attributes,
  type BuyerGroupWorkRecord,
  type CompanyTouchRecord,
  type OutputRecord,
  type StageHandler,
  type StageRecord,
  type TopicCodec,
} from '@bgs/platform';
import type { CooldownClaim, CooldownDecision, CooldownStore } from './cooldown-store';
import { planRefreshes, type RefreshPlan } from './plan';
import { joinRoster, type CompanyFacts, type Roster, type RosterStore } from './roster-store';
import { workTopicFor, type WorkTopic } from './work-route';

export class UnknownCompanyError extends Error {
  constructor(readonly companyIds: readonly string[]) {
    super(`company not found: ${companyIds.join(', ')}`);
    this.name = 'UnknownCompanyError';
  }
}

export interface DiscoverDeps {
  readonly rosters: RosterStore;
  readonly cooldowns: CooldownStore;
  readonly touchCodec: TopicCodec<CompanyTouchRecord>;
  /** Each deferral tier's own codec, so its records carry the tier subject's schema id. */
  readonly deferralCodecs: ReadonlyMap<string, TopicCodec<CompanyTouchRecord>>;
  /** One codec per topic a discovered group can go to (each carries its subject's schema id). */
  readonly workCodecs: ReadonlyMap<WorkTopic, TopicCodec<BuyerGroupWorkRecord>>;
  readonly maxMembers: number;
  readonly now: () => number;
}

export interface LevelDecision {
  readonly level: EnrichmentLevel;
  readonly note?: string;
  readonly deferral?: { readonly level: EnrichmentLevel; readonly dueAt: number };
}

/** The cooldown claim a plan makes: only a paid level under a workspace cooldown makes one. */
export function cooldownClaimOf(
  plan: RefreshPlan,
  roster: Pick<Roster, 'policy'>,
): CooldownClaim | undefined {
  const level = plan.requestedLevel ?? roster.policy.changeLevel;
  if (!isPaidLevel(level) || roster.policy.cooldownSeconds === 0) return undefined;
  return {
    companyId: plan.companyId,
    generation: plan.generation,
    cooldownSeconds: roster.policy.cooldownSeconds,
    cooldownElapsed: plan.cooldownElapsed,
  };
}

/** The level a plan runs at, given its cooldown claim's answer (none: it made no claim). */
export function levelDecisionOf(
  plan: RefreshPlan,
  roster: Pick<Roster, 'policy'>,
  cooldown: CooldownDecision | undefined,
): LevelDecision {
  const level = plan.requestedLevel ?? roster.policy.changeLevel;
  if (cooldown === undefined || cooldown.granted) return { level };
  const until = new Date(cooldown.windowEndsAt).toISOString();
  return {
    level: 'identify',
    note: `${level} deferred to ${until} (cooldown)`,
    ...(cooldown.deferUntil !== undefined
      ? { deferral: { level, dueAt: cooldown.deferUntil } }
      : {}),
  };
}

/** Every plan's level, with one cooldown round trip for the whole batch. */
async function decideLevels(
  plans: readonly RefreshPlan[],
  companyOf: (plan: RefreshPlan) => CompanyFacts,
  cooldowns: CooldownStore,
): Promise<LevelDecision[]> {
  const claims = plans.map((plan) => cooldownClaimOf(plan, companyOf(plan)));
  const made = claims.filter((c): c is CooldownClaim => c !== undefined);
  const answers = await cooldowns.claim(made);
  const answerOf = new Map(made.map((claim, index) => [claim, answers[index]]));
  return plans.map((plan, index) => {
    const claim = claims[index];
    return levelDecisionOf(plan, companyOf(plan), claim ? answerOf.get(claim) : undefined);
  });
}

/**
 * The most companies whose people one read brings into memory. A backlog of touches for
 * companies all different (webhook traffic) made batches of 200 companies on each of six
 * partitions at once: 45,000 people in flight, and the refresher ran out of its 96 MB heap.
 */
export const ROSTER_CHUNK = 32;

/** The batch's companies and level decisions: every company must exist before any claim. */
async function companiesAndDecisions(
  deps: DiscoverDeps,
  plans: readonly RefreshPlan[],
): Promise<{
  companyOf: (plan: RefreshPlan) => CompanyFacts;
  decisionOf: (plan: RefreshPlan) => LevelDecision;
}> {
  const companyIds = plans.map((p) => p.companyId);
  const companies = await deps.rosters.companies(companyIds);
  const missing = companyIds.filter((id) => !companies.has(id));
  // Maybe not replicated yet: fail so the runtime retries (and, in the end, dead-letters).
  if (missing.length > 0) throw new UnknownCompanyError(missing);
  const companyOf = (plan: RefreshPlan) => companies.get(plan.companyId) as CompanyFacts;
  const decisions = await decideLevels(plans, companyOf, deps.cooldowns);
  const decisionOf = new Map(plans.map((plan, index) => [plan, decisions[index] as LevelDecision]));
  return { companyOf, decisionOf: (plan) => decisionOf.get(plan) as LevelDecision };
}

/** Consecutive runs of at most `size` items, in order. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/**
 * Each plan with its roster and level decision, a chunk of companies' people at a time. The
 * first chunk's people are read beside the companies and the cooldown claims (at 100 changes/s
 * the discover step spent 62 ms reading rosters and then 45 ms claiming cooldowns, one after
 * the other, for a batch of six companies), and each next chunk's while this one is discovered.
 */
async function* rosteredPlans(
  deps: DiscoverDeps,
  plans: readonly RefreshPlan[],
): AsyncGenerator<{ plan: RefreshPlan; roster: Roster; decision: LevelDecision }> {
  if (plans.length === 0) return;
  const readPeople = (chunk: readonly RefreshPlan[]) => {
    const read = deps.rosters.people(chunk.map((p) => p.companyId));
    // Awaited below, unless an earlier step fails first: that failure is the batch's.
    read.catch(() => undefined);
    return read;
  };
  const chunks = chunksOf(plans, ROSTER_CHUNK);
  let reading = readPeople(chunks[0] as RefreshPlan[]);
  const { companyOf, decisionOf } = await companiesAndDecisions(deps, plans);
  for (const [index, chunk] of chunks.entries()) {
    const people = await reading;
    const next = chunks[index + 1];
    if (next !== undefined) reading = readPeople(next);
    for (const plan of chunk) {
      yield { plan, roster: joinRoster(companyOf(plan), people), decision: decisionOf(plan) };
    }
  }
}

/** The final due time of a deferral, kept while it hops down the tiers. */
export const DUE_AT = 'bgs-due-at';

async function deferral(
  deps: DiscoverDeps,
  touch: CompanyTouchRecord,
  dueAt: number,
  headers: Record<string, string>,
): Promise<OutputRecord> {
  const now = deps.now();
  const tier = deferralTierFor(dueAt - now);
  const topic = deferralTopic(tier);
  const codec = deps.deferralCodecs.get(topic);
  if (!codec) throw new Error(`no codec for deferral tier ${topic}`);
  return {
    topic,
    key: touch.companyId,
    value: await codec.encode(touch),
    headers: {
      ...headers,
      [DUE_AT]: String(dueAt),
      [Headers.notBefore]: String(Math.min(now + tier, dueAt)),
    },
  };
}

/** The group a plan's discovery makes, as the next stage reads it. */
export function workOf(
  plan: RefreshPlan,
  roster: Roster,
  decision: LevelDecision,
  maxMembers: number,
  discoveredAt: number,
): BuyerGroupWorkRecord {
  const discovery = discoverBuyerGroup({
    company: roster.company,
    // What providers reported wins over an older upstream value, field by field.
    people: mergeRoster({
      companyId: plan.companyId,
      people: roster.people,
      observations: roster.observations,
      upstreamChangedAt: roster.upstreamChangedAt,
    }),
    target: roster.policy.target,
    maxMembers,
  });
  return {
    companyId: plan.companyId,
    workspaceId: roster.company.workspaceId,
    generation: plan.generation,
    level: decision.level,
    reason: [...plan.reasons, ...(decision.note ? [decision.note] : [])].join('; '),
    triggeredBy: plan.triggeredBy,
    origins: plan.origins,
    originCount: plan.originCount,
    discoveredAt,
    confidence: discovery.confidence,
    cohesion: discovery.cohesion,
    status: 'ready',
    costUsd: roster.policy.levelCostsUsd.identify,
    companySummary: null,
    members: discovery.members.map((m) => ({
      personId: m.personId,
      fullName: m.fullName,
      title: m.title,
      department: m.department,
      seniority: m.seniority,
      role: m.role,
      score: m.score,
      rationale: m.rationale,
      enrichment: null,
      research: null,
    })),
  };
}

/** A deferral out of its tier: back in line when its time has come, else the next tier. */
async function releaseDeferrals(
  deps: DiscoverDeps,
  records: readonly StageRecord<CompanyTouchRecord>[],
): Promise<OutputRecord[]> {
  const outputs: OutputRecord[] = [];
  for (const record of records.filter((r) => deferralTopics.includes(r.topic))) {
    const dueAt = integerHeader(record.headers, DUE_AT, 0);
    outputs.push(
      dueAt > deps.now()
        ? await deferral(deps, record.value, dueAt, passThroughHeaders(record.headers))
        : {
            topic: Topics.companyTouches,
            key: record.value.companyId,
            value: await deps.touchCodec.encode({ ...record.value, cooldownElapsed: true }),
            headers: passThroughHeaders(record.headers),
          },
    );
  }
  return outputs;
}

function deferralTouch(companyId: string, level: EnrichmentLevel): CompanyTouchRecord {
  return {
    companyId,
    level,
    reason: `${level} deferred by the cooldown`,
    triggeredBy: 'cooldown',
    origins: [],
    cooldownElapsed: true,
  };
}

/** What a refresh's span says: its company, generation and how much it coalesced. */
export function refreshSpanAttributes(plan: RefreshPlan): Attributes {
  return {
    'bgs.company_id': plan.companyId,
    'bgs.generation': plan.generation,
    'bgs.refresh.touches': plan.traceparents.length,
    'bgs.refresh.origins': plan.originCount,
    'bgs.refresh.triggered_by': plan.triggeredBy,
  };
}

export function createDiscoverHandler(deps: DiscoverDeps): StageHandler<CompanyTouchRecord> {
  return async (records) => {
    const outputs = await releaseDeferrals(deps, records);
    const plans = planRefreshes(
      records
        .filter((r) => r.topic === Topics.companyTouches)
        .map((r) => ({ offset: r.offset, touch: r.value, headers: r.headers })),
    );
    for await (const { plan, roster, decision } of rosteredPlans(deps, plans)) {
      const span = startLinkedSpan('refresh', plan.traceparents, {
        attributes: refreshSpanAttributes(plan),
      });
      try {
        span.setAttribute('bgs.refresh.level', decision.level);
        const headers = headersWithSpan(passThroughHeaders(plan.headers), span);
        if (decision.deferral) {
          const touch = deferralTouch(plan.companyId, decision.deferral.level);
          outputs.push(await deferral(deps, touch, decision.deferral.dueAt, headers));
        }
        const work = workOf(plan, roster, decision, deps.maxMembers, deps.now());
        const topic = workTopicFor({
          level: decision.level,
          cooldownSeconds: roster.policy.cooldownSeconds,
          inPaidWindow: roster.inPaidWindow,
        });
        const codec = deps.workCodecs.get(topic);
        if (!codec) throw new Error(`no codec for ${topic}`);
        span.setAttribute('bgs.refresh.to', topic);
        outputs.push({ topic, key: plan.companyId, value: await codec.encode(work), headers });
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    }
    return outputs;
  };
}
