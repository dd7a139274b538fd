import { archiveOf } from './archive';
import { replayDecision, replayDelivery, replayEventId, type ReplayDeps } from './replay';
import type { ArchivedDelivery } from './store';
import type { ClaimInput, ClaimStore } from '../webhooks/claims';

/** The claim path's semantics in memory: one row per (source, event id). */
function memoryClaims() {
  const rows = new Map<string, { id: string; status: 'claimed' | 'enqueued'; input: ClaimInput }>();
  const byId = (id: string) => [...rows.entries()].find(([, row]) => row.id === id);
  const store: ClaimStore = {
    async claim(input) {
      const key = `${input.source}\u0000${input.eventId}`;
      const row = rows.get(key);
      if (row) return row.status === 'enqueued' ? { kind: 'enqueued' } : { kind: 'in_flight' };
      const id = `row-${rows.size + 1}`;
      rows.set(key, { id, status: 'claimed', input });
      return { kind: 'claimed', id, takenOver: false };
    },
    async markEnqueued(id) {
      const found = byId(id);
      if (found) found[1].status = 'enqueued';
    },
    async release(id) {
      const found = byId(id);
      if (found) rows.delete(found[0]);
    },
    async status(source, eventId) {
      return rows.get(`${source}\u0000${eventId}`)?.status;
    },
  };
  return { store, rows };
}

function recordingPublisher(fail = false) {
  const published: { key: string; eventId: string; headers: Record<string, unknown> }[] = [];
  return {
    published,
    publisher: {
      async publish(
        key: string,
        value: { eventId: string },
        headers: Record<string, unknown> = {},
      ) {
        if (fail) throw new Error('kafka down');
        published.push({ key, eventId: value.eventId, headers });
      },
    } as ReplayDeps['publisher'],
  };
}

const event = {
  id: 'evt_1',
  type: 'person.role_change',
  timestamp: '2026-12-01T10:00:00Z',
  person: { id: 'p-1', name: 'Ada Lovelace' },
  company: { id: 'co-1' },
  changes: { title: { old: 'VP Sales', new: 'CRO' } },
};

async function archived(overrides: Partial<ArchivedDelivery> = {}): Promise<ArchivedDelivery> {
  const raw = Buffer.from(JSON.stringify(event));
  const archive = await archiveOf(raw, { 'content-type': 'application/json' });
  return {
    id: '00000000-0000-4000-8000-000000000001',
    source: 'acme',
    eventId: 'evt_1',
    eventType: 'person.role_change',
    status: 'enqueued',
    companyId: 'co-1',
    receivedAt: new Date('2026-12-01T10:00:01Z'),
    processedAt: new Date('2026-12-01T10:00:01Z'),
    archive: { bodyBytes: archive.bodyBytes, storedBytes: archive.body.length },
    replayOf: null,
    signatureScheme: 'standard-webhooks',
    headers: archive.headers,
    body: archive.body,
    ...overrides,
  };
}

describe('replayDecision', () => {
  it('publishes only what the replay claimed', () => {
    expect(replayDecision({ kind: 'claimed', id: 'r', takenOver: true })).toEqual({
      publish: true,
      claimId: 'r',
    });
    expect(replayDecision({ kind: 'enqueued' })).toEqual({
      publish: false,
      reason: 'already_enqueued',
    });
    expect(replayDecision({ kind: 'in_flight' })).toEqual({ publish: false, reason: 'in_flight' });
  });
});

describe('replayEventId', () => {
  it('keeps the id, takes the new one, or prefixes, and refuses what is no event id', () => {
    expect(replayEventId('evt_1', { kind: 'same' })).toEqual({ ok: true, eventId: 'evt_1' });
    expect(replayEventId('evt_1', { kind: 'as', eventId: 'evt_1-fix' })).toEqual({
      ok: true,
      eventId: 'evt_1-fix',
    });
    expect(replayEventId('evt_1', { kind: 'prefix', prefix: 'fix1:' })).toEqual({
      ok: true,
      eventId: 'fix1:evt_1',
    });
    expect(replayEventId('e'.repeat(195), { kind: 'prefix', prefix: 'fix-12' }).ok).toBe(false);
  });
});

describe('replayDelivery', () => {
  it('sends nothing for an event Kafka holds, unless under a new id, and that only once', async () => {
    const { store, rows } = memoryClaims();
    await store.claim({ ...(await inputOf()), eventId: 'evt_1' });
    await store.markEnqueued('row-1');
    const { publisher, published } = recordingPublisher();
    const deps = { claims: store, publisher };
    const delivery = await archived();

    expect(await replayDelivery(delivery, { kind: 'same' }, deps)).toEqual({
      kind: 'skipped',
      reason: 'already_enqueued',
      eventId: 'evt_1',
    });
    expect(published).toEqual([]);

    const asNew = { kind: 'as', eventId: 'evt_1-fix' } as const;
    expect(await replayDelivery(delivery, asNew, deps)).toEqual({
      kind: 'enqueued',
      eventId: 'evt_1-fix',
    });
    expect(await replayDelivery(delivery, asNew, deps)).toMatchObject({
      kind: 'skipped',
      reason: 'already_enqueued',
    });
    expect(published).toEqual([
      {
        key: 'co-1',
        eventId: 'evt_1-fix',
        headers: expect.objectContaining({
          replay: 'evt_1',
          'event-id': 'evt_1-fix',
          source: 'acme',
        }),
      },
    ]);
    const copy = [...rows.values()].find((row) => row.input.eventId === 'evt_1-fix');
    expect(copy?.status).toBe('enqueued');
    expect(copy?.input.archive.replayOf).toBe(delivery.id);
    expect(copy?.input.payload).toMatchObject({ id: 'evt_1-fix', company: { id: 'co-1' } });
  });

  it('publishes a delivery whose claim a crash left behind, under its own id', async () => {
    const { store } = memoryClaims();
    const { publisher, published } = recordingPublisher();
    const result = await replayDelivery(
      await archived({ status: 'claimed' }),
      { kind: 'same' },
      {
        claims: store,
        publisher,
      },
    );
    expect(result).toEqual({ kind: 'enqueued', eventId: 'evt_1' });
    expect(published).toHaveLength(1);
  });

  it('skips a delivery without its archive, and gives the claim up when Kafka refuses', async () => {
    const { store, rows } = memoryClaims();
    const ok = recordingPublisher();
    expect(
      await replayDelivery(
        await archived({ body: null, archive: null }),
        { kind: 'same' },
        {
          claims: store,
          publisher: ok.publisher,
        },
      ),
    ).toMatchObject({ kind: 'skipped', reason: 'no_archive' });
    expect(
      await replayDelivery(
        await archived({ body: Buffer.from('not gzip') }),
        { kind: 'same' },
        { claims: store, publisher: ok.publisher },
      ),
    ).toMatchObject({ kind: 'failed', cause: 'unreadable' });

    const down = recordingPublisher(true);
    const result = await replayDelivery(
      await archived(),
      { kind: 'as', eventId: 'evt_1-b' },
      {
        claims: store,
        publisher: down.publisher,
      },
    );
    expect(result).toMatchObject({ kind: 'failed', cause: 'not_published', eventId: 'evt_1-b' });
    expect(rows.size).toBe(0);
  });
});

async function inputOf(): Promise<ClaimInput> {
  const delivery = await archived();
  return {
    source: 'acme',
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    companyId: 'co-1',
    payload: event,
    signatureScheme: 'standard-webhooks',
    archive: {
      body: delivery.body as Buffer,
      bodyBytes: 1,
      headers: {},
      replayOf: null,
    },
  };
}
