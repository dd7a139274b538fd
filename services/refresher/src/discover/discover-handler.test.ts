import {
  DEFAULT_LEVEL_COSTS_USD,
  type EnrichmentLevel,
  type Observation,
  type Person,
} from '@bgs/domain';
import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  Topics,
  createLogger,
  loadConfig,
  spanContextOf,
  startTracing,
  tracingConfigShape,
  tracingSettings,
  z,
  type BuyerGroupWorkRecord,
  type CompanyTouchRecord,
  type StageRecord,
  type TopicCodec,
} from '@bgs/platform';
import type { CooldownStore } from './cooldown-store';
import {
  chunksOf,
  cooldownClaimOf,
  createDiscoverHandler,
  levelDecisionOf,
  ROSTER_CHUNK,
  UnknownCompanyError,
  workOf,
} from './discover-handler';
import type { RefreshPlan } from './plan';
import type { Roster, RosterStore } from './roster-store';
import type { WorkTopic } from './work-route';

const roster = (
  companyId: string,
  changeLevel: EnrichmentLevel,
  { cooldownSeconds = 3600, inPaidWindow = false } = {},
): Roster => ({
  inPaidWindow,
  company: {
    id: companyId,
    workspaceId: 'ws-1',
    name: companyId,
    domain: null,
    industry: null,
    employeeCount: null,
    status: 'active',
    updatedAt: null,
  },
  policy: {
    target: { productCategory: 'software', targetDepartments: ['engineering'] },
    changeLevel,
    cooldownSeconds,
    levelCostsUsd: DEFAULT_LEVEL_COSTS_USD,
  },
  people: [
    {
      id: `${companyId}-p1`,
      companyId,
      fullName: 'Ada',
      email: null,
      jobTitle: 'CTO',
      department: 'engineering',
      seniority: 'c_level',
      managerId: null,
      status: 'active',
      updatedAt: null,
    },
  ],
  observations: [],
  upstreamChangedAt: new Map(),
});

const touch = (companyId: string, offset: number): StageRecord<CompanyTouchRecord> => ({
  topic: Topics.companyTouches,
  partition: 0,
  offset: String(offset),
  key: companyId,
  value: {
    companyId,
    level: null,
    reason: 'title changed',
    triggeredBy: 'cdc',
    origins: [],
    cooldownElapsed: false,
  },
  headers: {},
  timestamp: 0,
  attempt: 0,
});

const codec = <T>(topic: string): TopicCodec<T> => ({
  topic,
  encode: async (value) => Buffer.from(JSON.stringify(value)),
  decode: async (buffer) => JSON.parse(buffer.toString()) as T,
});

/** The given rosters, by company, that the read asked for (a Roster is both halves). */
const rostersOf = (known: readonly Roster[], ids: readonly string[]) =>
  new Map(known.filter((r) => ids.includes(r.company.id)).map((r) => [r.company.id, r]));

const workTopics: WorkTopic[] = [Topics.buyerGroupDiscovered, Topics.buyerGroupResearched];

function discoverHandler(rosters: RosterStore, cooldowns: CooldownStore) {
  return createDiscoverHandler({
    rosters,
    cooldowns,
    touchCodec: codec(Topics.companyTouches),
    deferralCodecs: new Map(),
    workCodecs: new Map(workTopics.map((t) => [t, codec<BuyerGroupWorkRecord>(t)])),
    maxMembers: 12,
    now: () => 1_000,
  });
}

/** Where each company's group went, read off the handler's outputs. */
async function destinations(rosters: readonly Roster[]): Promise<Record<string, string>> {
  const handle = discoverHandler(
    {
      companies: async (ids) => rostersOf(rosters, ids),
      people: async (ids) => rostersOf(rosters, ids),
    },
    { claim: async (claims) => claims.map(() => ({ granted: true })) },
  );
  const outputs = await handle(rosters.map((r, i) => touch(r.company.id, i + 1)));
  return Object.fromEntries(outputs.map((o) => [o.key as string, o.topic]));
}

describe('the discover step, where each group goes', () => {
  it('sends identify groups straight to the sink and paid ones to the enricher', async () => {
    expect(
      await destinations([roster('co-free', 'identify'), roster('co-paid', 'enrich')]),
    ).toEqual({
      'co-free': Topics.buyerGroupResearched,
      'co-paid': Topics.buyerGroupDiscovered,
    });
  });

  it('keeps an identify group behind a paid refresh of its company still in its window', async () => {
    expect(await destinations([roster('co-1', 'identify', { inPaidWindow: true })])).toEqual({
      'co-1': Topics.buyerGroupDiscovered,
    });
  });

  it('sends identify through the enricher in a workspace without a cooldown', async () => {
    expect(await destinations([roster('co-1', 'identify', { cooldownSeconds: 0 })])).toEqual({
      'co-1': Topics.buyerGroupDiscovered,
    });
  });
});

const plan = (companyId: string, requestedLevel?: EnrichmentLevel): RefreshPlan => ({
  companyId,
  generation: 7,
  requestedLevel,
  reasons: ['title changed'],
  triggeredBy: 'cdc',
  origins: [],
  originCount: 1,
  cooldownElapsed: false,
  headers: {},
  traceparents: [],
});

describe('the discover step, its reads', () => {
  /** A store whose people read ends only when told to, recording what happened in order. */
  function recordingDeps(known: readonly Roster[]) {
    const events: string[] = [];
    let endPeopleRead = (): void => undefined;
    const rosters: RosterStore = {
      companies: async (ids) => {
        events.push('companies read');
        return rostersOf(known, ids);
      },
      people: (ids) =>
        new Promise((resolve) => {
          let ended = false;
          endPeopleRead = () => {
            if (ended) return;
            ended = true;
            events.push('people read');
            resolve(rostersOf(known, ids));
          };
          // Ends on its own after this turn, so a handler that waits for it first still finishes.
          setImmediate(endPeopleRead);
        }),
    };
    const cooldowns: CooldownStore = {
      claim: async (claims) => {
        events.push(`claimed ${claims.map((c) => c.companyId).join(',')}`);
        endPeopleRead();
        return claims.map(() => ({ granted: true }));
      },
    };
    return { handle: discoverHandler(rosters, cooldowns), events };
  }

  it('claims cooldowns while the people are still being read, not after', async () => {
    const { handle, events } = recordingDeps([roster('co-paid', 'enrich')]);
    const outputs = await handle([touch('co-paid', 1)]);
    expect(events).toEqual(['companies read', 'claimed co-paid', 'people read']);
    expect(outputs.map((o) => o.topic)).toEqual([Topics.buyerGroupDiscovered]);
  });

  it('fails a batch naming an unknown company before claiming any cooldown', async () => {
    const { handle, events } = recordingDeps([roster('co-paid', 'enrich')]);
    await expect(handle([touch('co-paid', 1), touch('co-gone', 2)])).rejects.toBeInstanceOf(
      UnknownCompanyError,
    );
    expect(events.filter((e) => e.startsWith('claimed'))).toEqual([]);
  });
});

describe('the cooldown decision of a plan', () => {
  it('claims a window only for a paid level in a workspace with a cooldown', () => {
    expect(cooldownClaimOf(plan('co-1'), roster('co-1', 'identify'))).toBeUndefined();
    expect(cooldownClaimOf(plan('co-1'), roster('co-1', 'enrich', { cooldownSeconds: 0 }))).toBe(
      undefined,
    );
    expect(cooldownClaimOf(plan('co-1', 'deep_research'), roster('co-1', 'identify'))).toEqual({
      companyId: 'co-1',
      generation: 7,
      cooldownSeconds: 3600,
      cooldownElapsed: false,
    });
  });

  it('runs the asked level when granted, and identify with a deferral when refused', () => {
    const paid = roster('co-1', 'enrich');
    expect(levelDecisionOf(plan('co-1'), paid, { granted: true })).toEqual({ level: 'enrich' });
    const windowEndsAt = Date.UTC(2026, 11, 1, 8);
    expect(
      levelDecisionOf(plan('co-1'), paid, {
        granted: false,
        windowEndsAt,
        deferUntil: windowEndsAt,
      }),
    ).toEqual({
      level: 'identify',
      note: 'enrich deferred to 2026-12-01T08:00:00.000Z (cooldown)',
      deferral: { level: 'enrich', dueAt: windowEndsAt },
    });
  });

  it('emits no second deferral when one already waits for the window', () => {
    const decision = levelDecisionOf(plan('co-1'), roster('co-1', 'enrich'), {
      granted: false,
      windowEndsAt: 0,
    });
    expect(decision.level).toBe('identify');
    expect(decision.deferral).toBeUndefined();
  });
});

describe('the group a plan discovers', () => {
  const coordinator = (companyId: string): Roster => {
    const base = roster(companyId, 'identify');
    const [ada] = base.people;
    return {
      ...base,
      people: [
        {
          ...(ada as Person),
          jobTitle: 'Marketing Coordinator',
          department: 'marketing',
          seniority: 'entry',
        },
      ],
    };
  };
  const reported = (field: Observation['field'], value: string, at: number): Observation => ({
    personId: 'co-1-p1',
    field,
    value,
    source: 'demo',
    eventId: `evt-${field}`,
    occurredAt: at,
    receivedAt: at,
  });
  const roleOfAda = (r: Roster) =>
    workOf(plan('co-1'), r, { level: 'identify' }, 12, 0).members.find(
      (m) => m.personId === 'co-1-p1',
    )?.role;

  it("places a person by what a provider reported when it is newer than the upstream row's change", () => {
    const promoted: Roster = {
      ...coordinator('co-1'),
      observations: [
        reported('title', 'Chief Technology Officer', 2_000),
        reported('department', 'engineering', 2_000),
        reported('seniority', 'c_level', 2_000),
      ],
      upstreamChangedAt: new Map([['co-1-p1', 1_000]]),
    };
    expect(roleOfAda(coordinator('co-1'))).not.toBe('decision_maker');
    expect(roleOfAda(promoted)).toBe('decision_maker');
    expect(roleOfAda({ ...promoted, upstreamChangedAt: new Map([['co-1-p1', 3_000]]) })).toBe(
      roleOfAda(coordinator('co-1')),
    );
  });
});

describe('a batch of many companies', () => {
  it('reads their people a chunk at a time, so a backlog never holds every roster at once, and emits every group in order', async () => {
    const many = Array.from({ length: ROSTER_CHUNK * 2 + 5 }, (_, i) =>
      roster(`co-${String(i).padStart(3, '0')}`, 'identify'),
    );
    const peopleReads: number[] = [];
    const handle = discoverHandler(
      {
        companies: async (ids) => rostersOf(many, ids),
        people: async (ids) => {
          peopleReads.push(ids.length);
          return rostersOf(many, ids);
        },
      },
      { claim: async (claims) => claims.map(() => ({ granted: true })) },
    );
    const outputs = await handle(many.map((r, i) => touch(r.company.id, i + 1)));
    expect(peopleReads).toEqual([ROSTER_CHUNK, ROSTER_CHUNK, 5]);
    expect(outputs.map((o) => o.key)).toEqual(many.map((r) => r.company.id));
  });

  it('claims no cooldown when a company of a later chunk is unknown', async () => {
    const known = Array.from({ length: ROSTER_CHUNK + 1 }, (_, i) => roster(`co-${i}`, 'enrich'));
    const claims: unknown[] = [];
    const handle = discoverHandler(
      {
        companies: async (ids) => rostersOf(known, ids),
        people: async (ids) => rostersOf(known, ids),
      },
      {
        claim: async (made) => {
          claims.push(...made);
          return made.map(() => ({ granted: true }));
        },
      },
    );
    const touches = [...known.map((r, i) => touch(r.company.id, i + 1)), touch('co-missing', 99)];
    await expect(handle(touches)).rejects.toBeInstanceOf(UnknownCompanyError);
    expect(claims).toEqual([]);
  });
});

describe('chunksOf', () => {
  it('cuts a list into consecutive runs of at most the size, in order', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 2)).toEqual([]);
  });
});

describe('the span of a coalesced refresh', () => {
  it("is the child of the newest touch's span, links every touch's, and is handed on", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(
      tracingSettings(
        loadConfig(z.object(tracingConfigShape()), { OTEL_TRACES_EXPORTER: 'otlp' }),
        'refresher',
      ),
      createLogger({
        service: 'refresher',
        stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
      }),
      { exporter },
    );
    try {
      const origin = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;
      const known = [roster('co-1', 'identify', { cooldownSeconds: 0 })];
      const handle = discoverHandler(
        {
          companies: async (ids) => rostersOf(known, ids),
          people: async (ids) => rostersOf(known, ids),
        },
        { claim: async (claims) => claims.map(() => ({ granted: true })) },
      );
      const traced = (offset: number, traceparent?: string): StageRecord<CompanyTouchRecord> => ({
        ...touch('co-1', offset),
        headers: traceparent ? { traceparent } : {},
      });
      // three changes of one company in one batch, one of them (a CDC row) without a trace
      const [output] = await handle([traced(4, origin(1)), traced(5), traced(6, origin(2))]);
      await tracing.forceFlush();

      const [refresh] = exporter.getFinishedSpans();
      expect(refresh?.name).toBe('refresh');
      expect(refresh?.spanContext().traceId).toBe('2'.repeat(32));
      expect(refresh?.parentSpanContext?.spanId).toBe('2'.repeat(16));
      expect(refresh?.links.map((l) => l.context.traceId)).toEqual([
        '1'.repeat(32),
        '2'.repeat(32),
      ]);
      expect(refresh?.attributes).toMatchObject({
        'bgs.company_id': 'co-1',
        'bgs.generation': 6,
        'bgs.refresh.touches': 3,
        'bgs.refresh.level': 'identify',
      });
      expect(spanContextOf(output?.headers?.traceparent)?.spanId).toBe(
        refresh?.spanContext().spanId,
      );
    } finally {
      await tracing.shutdown();
    }
  });
});
