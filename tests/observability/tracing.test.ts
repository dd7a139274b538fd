/**
 * OpenTelemetry traces across the stages (docs/operations.md, Tracing): the four services are
 * restarted pointing at an OTLP/HTTP receiver of the test's own (OTLP/JSON), one accepted
 * webhook goes through the pipeline, and its spans must make ONE trace: the request's span at
 * ingress as the root, then the refresher's handling of the touch and the refresh, the
 * enricher's handling and its provider call, the sink's handling and its save, each the child
 * of the one before (or linked to it), from the four services by `service.name`. The trace is
 * the one the saved refresh log names.
 *
 * The main stack is shared: afterwards (also when this fails) the services are restarted
 * without the OTEL_* variables, as every other test expects them.
 */
import { withDatabase, requireStack, stackCommand, type Service } from '../helpers/stack';
import {
  confirmation,
  createCompany,
  createWorkspace,
  postWebhook,
  waitForGroup,
  waitForIncludedChanges,
  waitForRefreshByWebhook,
} from '../helpers/pipeline';
import {
  startOtlpReceiver,
  traceProblems,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../helpers/otlp-receiver';
import { waitFor } from '../helpers/wait';

const SERVICES: readonly Service[] = ['ingress', 'refresher', 'enricher', 'sink'];

/** What the services are restarted with; removed again afterwards. */
const tracingEnv = (endpoint: string): Record<string, string> => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  // Spans are sent 100 ms after they end, not 5 s: the test waits for them, not the clock.
  OTEL_BSP_SCHEDULE_DELAY: '100',
});

/** The spans one accepted webhook makes, by service: the pipeline's path for a paid refresh. */
const EXPECTED: readonly (readonly [Service, string])[] = [
  ['ingress', 'POST /webhooks/:source'],
  ['refresher', 'process company-touches'],
  ['refresher', 'refresh'],
  ['enricher', 'process buyer-group.discovered'],
  ['enricher', 'provider enrich'],
  ['sink', 'process buyer-group.researched'],
  ['sink', 'sink save'],
];

async function restartServices(): Promise<void> {
  for (const service of SERVICES) await stackCommand('restart', service);
}

describe('tracing across the stages', () => {
  let receiver: OtlpReceiver | undefined;
  const variables: string[] = [];

  beforeAll(async () => {
    await requireStack();
    receiver = await startOtlpReceiver();
    for (const [name, value] of Object.entries(tracingEnv(receiver.endpoint))) {
      process.env[name] = value;
      variables.push(name);
    }
    await restartServices();
  }, 300_000);

  afterAll(async () => {
    for (const name of variables) delete process.env[name];
    try {
      await restartServices();
    } finally {
      await receiver?.close();
    }
  }, 300_000);

  it('makes one trace of an accepted webhook, from the request to the save', async () => {
    const spans = receiver?.spans ?? [];
    const { companyId, eng } = await withDatabase(async (db) => {
      // Enrich, without a cooldown: the refresh goes through the enricher and buys contacts.
      const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
      const { companyId } = await createCompany(db, workspace);
      // The company's own changes (its row and 7 people) saved first: the webhook's refresh
      // is then a refresh of its own, not coalesced with them.
      await waitForIncludedChanges(companyId, 8);
      await waitForGroup(companyId, (g) => g.level === 'enrich', 'an enriched group');
      return { companyId, eng: `${companyId}-eng` };
    });

    // A promotion of a member: what is sent to the provider changes, so the enricher calls it.
    const event = {
      ...confirmation(companyId),
      person: { id: eng, oldTitle: 'Staff Engineer', newTitle: 'Principal Engineer' },
      changes: { title: { old: 'Staff Engineer', new: 'Principal Engineer' } },
    };
    expect((await postWebhook(event, event.id)).status).toBe(202);
    const generation = await waitForRefreshByWebhook(companyId, event.id);
    const traceId = await withDatabase(async (db) => {
      const { rows } = await db.query<{ trace_id: string | null }>(
        `SELECT trace_id FROM buyer_group_refresh_logs WHERE company_id = $1 AND generation = $2`,
        [companyId, generation],
      );
      return rows[0]?.trace_id ?? undefined;
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const named = (trace: readonly ReceivedSpan[], [service, name]: readonly [string, string]) =>
      trace.find((s) => s.service === service && s.name === name);
    const trace = await waitFor(
      () => {
        const found = spans.filter((s) => s.traceId === traceId);
        return EXPECTED.every((expected) => named(found, expected)) ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `the spans of trace ${traceId}` },
    );

    // One trace: one root, every other span's parent in it (or a link to a span of it).
    expect(traceProblems(trace)).toEqual([]);
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(SERVICES));

    // Each step the child of the one before.
    const [request, touch, refresh, enrich, call, sink, save] = EXPECTED.map((expected) =>
      named(trace, expected),
    );
    const parentOf = (span: ReceivedSpan | undefined) =>
      trace.find((s) => s.spanId === span?.parentSpanId);
    expect(request?.parentSpanId).toBeUndefined();
    expect(request?.attributes).toMatchObject({
      'http.response.status_code': 202,
      'bgs.webhook.outcome': 'enqueued',
    });
    expect(parentOf(touch)).toBe(request);
    expect(parentOf(refresh)).toBe(touch);
    expect(refresh?.links.map((l) => l.spanId)).toContain(touch?.spanId);
    expect(parentOf(enrich)).toBe(refresh);
    expect(parentOf(call)).toBe(enrich);
    expect(call?.attributes).toMatchObject({ 'bgs.company_id': companyId });
    expect(parentOf(sink)).toBe(enrich);
    expect(parentOf(save)).toBe(sink);
    expect(save?.links.map((l) => l.spanId)).toContain(sink?.spanId);
    expect(touch?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.kafka.message.key': companyId,
    });
  });
});
