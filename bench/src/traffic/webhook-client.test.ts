import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyLegacyHmac } from '../../../services/ingress/src/webhooks/signatures/legacy-hmac';
import { legacySecretFrom, legacySignatureHeaders, WebhookClient } from './webhook-client';

const SOURCES = readFileSync(join(__dirname, '../../../deploy/local/webhook-sources.json'), 'utf8');

describe('legacy signing', () => {
  it("signs what ingress's legacy verifier accepts, with the local secret", () => {
    const secret = legacySecretFrom(SOURCES);
    const body = '{"id":"evt_1","type":"person.role_change"}';
    const now = Date.now();
    const headers = legacySignatureHeaders(secret, body, now);
    const request = { rawBody: Buffer.from(body), header: (name: string) => headers[name] };
    expect(
      verifyLegacyHmac(request, { secrets: [secret], nowMs: now, toleranceMs: 60_000 }),
    ).toEqual({
      ok: true,
      timestampMs: now,
    });
  });

  it('refuses a sources file without a legacy-hmac source', () => {
    expect(() => legacySecretFrom('{"sources":{}}')).toThrow(/no legacy-hmac source/);
  });
});

/** A server that resets the connection on the requests `resetOn` names (1-based, per socket). */
async function serverResetting(resetOn: (nthOnSocket: number) => boolean) {
  const seen: number[] = [];
  const server = http.createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    seen.push(socket.served);
    req.resume();
    req.on('end', () => {
      if (resetOn(socket.served ?? 0)) socket.destroy();
      else res.writeHead(202).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/legacy`;
  return { url, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('a kept-alive socket the server closed', () => {
  it('sends the request once more on a new socket, and answers with that reply', async () => {
    const server = await serverResetting((nth) => nth === 2);
    const client = new WebhookClient(server.url, 'secret', 1);
    try {
      await client.post('{"n":1}');
      await expect(client.post('{"n":2}')).resolves.toEqual(expect.any(Number));
      // First socket: the first request, then the reset one; a new socket: the resend.
      expect(server.seen).toEqual([1, 2, 1]);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('does not resend a request whose own new socket was reset', async () => {
    const server = await serverResetting(() => true);
    const client = new WebhookClient(server.url, 'secret', 1);
    try {
      await expect(client.post('{"n":1}')).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(server.seen).toEqual([1]);
    } finally {
      client.close();
      await server.close();
    }
  });
});
