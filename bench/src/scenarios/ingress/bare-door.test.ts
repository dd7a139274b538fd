import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyLegacyHmac } from '../../../../services/ingress/src/webhooks/signatures';
import { legacySignatureHeaders } from '../../traffic/webhook-client';
import { bareDoorHandler } from './bare-door';

const SECRET = 'bench-secret';
const BODY = JSON.stringify({ id: 'evt_ingress_t_1', type: 'person.role_change' });

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer(bareDoorHandler({ secret: SECRET, verify: verifyLegacyHmac }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/legacy`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: await response.text() };
}

describe('bareDoorHandler', () => {
  it("answers 202 enqueued to a delivery signed as the bench signs ours'", async () => {
    expect(await post(BODY, legacySignatureHeaders(SECRET, BODY, Date.now()))).toEqual({
      status: 202,
      body: '{"status":"enqueued"}',
    });
  });

  it('answers 401 to another secret, a changed body, a stale timestamp or no signature', async () => {
    const now = Date.now();
    const refused = [
      await post(BODY, legacySignatureHeaders('other', BODY, now)),
      await post(`${BODY} `, legacySignatureHeaders(SECRET, BODY, now)),
      await post(BODY, legacySignatureHeaders(SECRET, BODY, now - 10 * 60_000)),
      await post(BODY, {}),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    expect(refused[0]?.body).toBe('{"error":"unauthorized"}');
  });

  it("answers 413 past ingress's body limit", async () => {
    const big = 'x'.repeat(256 * 1024 + 1);
    expect((await post(big, legacySignatureHeaders(SECRET, big, Date.now()))).status).toBe(413);
  });
});
