import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  Headers,
  loadConfig,
  startTracing,
  tracingConfigShape,
  tracingSettings,
  z,
  createLogger,
  type BuyerGroupWorkRecord,
  type StageRecord,
} from '@bgs/platform';
import { Registry } from 'prom-client';
import type { BuyerGroupStore, SaveOutcome } from './buyer-group-store';
import { createSinkMetrics } from './metrics';
import { createSaveHandler, earlierByCompany } from './save-handler';

const work = (companyId: string): BuyerGroupWorkRecord => ({
  companyId,
  workspaceId: 'ws-1',
  generation: 7,
  level: 'identify',
  reason: 'title changed',
  triggeredBy: 'webhook:acme:evt_1',
  origins: [{ ref: 'webhook:acme:evt_1', occurredAt: 1_000 }],
  originCount: 1,
  discoveredAt: 2_000,
  confidence: 5,
  cohesion: 5,
  status: 'ready',
  costUsd: 0,
  companySummary: null,
  members: [],
});

const record = (value: BuyerGroupWorkRecord, headers: Record<string, string>) =>
  ({
    topic: 'buyer-group.discovered',
    partition: 0,
    offset: '7',
    key: value.companyId,
    value,
    headers,
    timestamp: 0,
    attempt: 0,
  }) satisfies StageRecord<BuyerGroupWorkRecord>;

function handlerSavingAll() {
  const registry = new Registry();
  const metrics = createSinkMetrics(registry);
  const store: BuyerGroupStore = {
    saveBatch: async (requests) =>
      requests.map((request): SaveOutcome => ({
        kind: 'saved',
        work: request.work,
        previousGeneration: null,
        diff: { added: [], removed: [], roleChanged: [] },
        savedAt: 61_000,
      })),
  };
  const codec = { topic: 't', encode: async () => Buffer.from('x'), decode: async () => ({}) };
  const handler = createSaveHandler({
    store,
    stateCodec: codec as never,
    changeCodec: codec as never,
    failpoints: { reach: async () => undefined },
    metrics,
  });
  const observed = async (): Promise<number> => {
    const text = await registry.getSingleMetricAsString('bgs_freshness_seconds');
    return Number(/^bgs_freshness_seconds_count (\d+)$/m.exec(text)?.[1] ?? 0);
  };
  return { handler, observed };
}

describe('the save handler and the freshness measure', () => {
  it('measures live work, and leaves replayed work out while still passing its replay mark on', async () => {
    const { handler, observed } = handlerSavingAll();
    await handler([record(work('co-live'), { traceparent: 't' })]);
    expect(await observed()).toBe(1);

    const outputs = await handler([
      record(work('co-replayed'), { traceparent: 't', [Headers.replay]: 'evt_1' }),
    ]);
    expect(await observed()).toBe(1);
    expect(outputs.map((o) => o.headers)).toEqual([
      { traceparent: 't', [Headers.replay]: 'evt_1' },
    ]);
  });
});

describe('the save span', () => {
  it("is the child of the newest record's span and links every record of the batch", async () => {
    const exporter = new InMemorySpanExporter();
    const quiet = createLogger({
      service: 'sink',
      stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    const tracing = startTracing(
      tracingSettings(
        loadConfig(z.object(tracingConfigShape()), { OTEL_TRACES_EXPORTER: 'otlp' }),
        'sink',
      ),
      quiet,
      { exporter },
    );
    try {
      const span = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;
      const { handler } = handlerSavingAll();
      await handler([
        record(work('co-1'), { traceparent: span(1) }),
        record(work('co-2'), { traceparent: span(2) }),
      ]);
      await tracing.forceFlush();
      const [save] = exporter.getFinishedSpans();
      expect(save?.name).toBe('sink save');
      expect(save?.parentSpanContext?.spanId).toBe('2'.repeat(16));
      expect(save?.links.map((l) => l.context.spanId)).toEqual(['1'.repeat(16), '2'.repeat(16)]);
      expect(save?.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'bgs.save.companies': 2,
        'bgs.save.saved': 2,
      });
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('earlierByCompany', () => {
  it('folds each older generation once, however often the batch holds it', () => {
    const at = (generation: number) => record({ ...work('co-1'), generation }, {});
    const newest = at(9);
    const earlier = earlierByCompany([at(7), at(8), at(7), newest, at(8)], [newest]);
    expect(earlier.get('co-1')?.map((r) => r.value.generation)).toEqual([7, 8]);
  });
});
