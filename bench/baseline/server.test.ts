import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@bgs/platform';
import type { RefreshJob } from './jobs';
import { createBaselineApp, listen, WEBHOOK_PATH } from './server';
import { signLegacy } from './signature';

const SECRET = 'test-secret';
const NOW = 1_760_000_000_000;

/** A dedup table and a queue in memory: what the route does with them is what is tested. */
function fakes() {
  const claimed = new Set<string>();
  const added: RefreshJob[][] = [];
  const db = {
    query: async (query: string | { text: string; values: unknown[] }, params?: unknown[]) => {
      const text = typeof query === 'string' ? query : query.text;
      const values = typeof query === 'string' ? (params ?? []) : query.values;
      const id = values[0] as string;
      if (text.includes('DELETE')) return { rowCount: claimed.delete(id) ? 1 : 0 };
      if (claimed.has(id)) return { rowCount: 0 };
      claimed.add(id);
      return { rowCount: 1 };
    },
  };
  const queue = {
    add: async (name: string, data: RefreshJob['data'], opts: RefreshJob['opts']) => {
      added.push([{ name, data, opts } as RefreshJob]);
    },
    addBulk: async (jobs: RefreshJob[]) => {
      added.push(jobs);
      return [];
    },
  };
  return { db, queue, added, claimed };
}

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

let server: Server;
let url: string;
let state: ReturnType<typeof fakes>;

beforeEach(async () => {
  state = fakes();
  const app = createBaselineApp({
    db: state.db as never,
    queue: state.queue as never,
    webhookSecret: SECRET,
    companyLimitMs: 0,
    logger: createLogger({ service: 'test', stream: discard }),
    now: () => NOW,
  });
  server = await listen(app, 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function post(body: string, signature = signLegacy(SECRET, NOW, body)) {
  return fetch(`${url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-timestamp': String(NOW),
      'x-signature': signature,
    },
    body,
  });
}

const move = JSON.stringify({
  id: 'evt-1',
  type: 'person.company_change',
  company: { id: 'co-new' },
  changes: { company: { old: 'co-old', new: 'co-new' } },
});

describe('POST /webhooks/legacy', () => {
  it('accepts a signed move with 202 and adds one job per company', async () => {
    const response = await post(move);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted' });
    expect(state.added).toHaveLength(1);
    expect(state.added[0]?.map((job) => job.data)).toEqual([
      { companyId: 'co-old', eventId: 'evt-1', acceptedAt: NOW },
      { companyId: 'co-new', eventId: 'evt-1', acceptedAt: NOW },
    ]);
  });

  it('answers a duplicate 200 already_processed without adding jobs', async () => {
    await post(move);
    const again = await post(move);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'already_processed' });
    expect(state.added).toHaveLength(1);
  });

  it('answers 401 to a bad signature, before reading the body', async () => {
    const response = await post(move, signLegacy('wrong', NOW, move));
    expect(response.status).toBe(401);
    expect(state.claimed.size).toBe(0);
  });

  it('adds the one job of an in-place change', async () => {
    const promotion = JSON.stringify({
      id: 'evt-3',
      type: 'person.promotion',
      company: { id: 'co-1' },
    });
    expect((await post(promotion)).status).toBe(202);
    expect(state.added.map((jobs) => jobs.map((job) => job.data.companyId))).toEqual([['co-1']]);
  });

  it('answers 400 with the reason to an invalid body', async () => {
    const bad = JSON.stringify({ id: 'evt-2', type: 'person.promotion' });
    const response = await post(bad);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^company: /) });
    expect((await post('{not json')).status).toBe(400);
  });

  it('gives the event id back and answers 503 when the queue is down', async () => {
    state.queue.addBulk = state.queue.add = async () => {
      throw new Error('redis gone');
    };
    expect((await post(move)).status).toBe(503);
    expect(state.claimed.size).toBe(0);
  });

  it('answers GET /healthz', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
