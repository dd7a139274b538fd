import {
  ARCHIVED_HEADERS,
  archivedHeaders,
  archiveOf,
  compressesInline,
  INLINE_GZIP_MAX_BYTES,
  MAX_ARCHIVED_HEADER_LENGTH,
  unpackBody,
} from './archive';

describe('archivedHeaders', () => {
  it('keeps what says what arrived, and no signature, credential or cookie', () => {
    const kept = archivedHeaders({
      'content-type': 'application/json',
      'user-agent': 'acme-webhooks/2.1',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1767225600',
      'webhook-signature': 'v1,c2lnbmF0dXJl',
      'x-timestamp': '1767225600000',
      'x-signature': 'ab12',
      'x-hub-signature-256': 'sha256=ab12',
      'x-hub-signature': 'sha1=ab12',
      'x-github-event': 'ping',
      'x-github-delivery': 'd-1',
      authorization: 'Bearer secret',
      'proxy-authorization': 'Basic secret',
      cookie: 'session=secret',
      'x-api-key': 'secret',
      'x-forwarded-for': '203.0.113.7',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      host: 'ingress.example.com',
    });
    expect(kept).toEqual({
      'content-type': 'application/json',
      'user-agent': 'acme-webhooks/2.1',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1767225600',
      'x-timestamp': '1767225600000',
      'x-github-event': 'ping',
      'x-github-delivery': 'd-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('lists no name that carries a signature or a secret', () => {
    for (const name of ARCHIVED_HEADERS) {
      expect(name).not.toMatch(/signature|authorization|cookie|secret|token|key/);
    }
  });

  it('matches names in any case, joins repeated values and cuts long ones', () => {
    expect(
      archivedHeaders({
        'User-Agent': 'x'.repeat(MAX_ARCHIVED_HEADER_LENGTH + 10),
        tracestate: ['a=1', 'b=2'],
        'content-type': undefined,
      }),
    ).toEqual({ 'user-agent': 'x'.repeat(MAX_ARCHIVED_HEADER_LENGTH), tracestate: 'a=1, b=2' });
  });
});

describe('archiveOf', () => {
  it('compresses the raw bytes exactly and records their size', async () => {
    const raw = Buffer.from(
      JSON.stringify({ id: 'evt_1', name: 'Ada Lovelace', pad: 'é'.repeat(500) }),
    );
    const archive = await archiveOf(raw, {
      'x-signature': 'ab12',
      'content-type': 'application/json',
    });
    expect(archive.bodyBytes).toBe(raw.length);
    expect(archive.body.length).toBeLessThan(raw.length);
    expect((await unpackBody(archive.body)).equals(raw)).toBe(true);
    expect(archive.headers).toEqual({ 'content-type': 'application/json' });
    expect(archive.replayOf).toBeNull();
  });
});

describe('where a body is compressed', () => {
  it('keeps typical deliveries on the event loop and sends large ones to the thread pool', () => {
    expect(compressesInline(475)).toBe(true);
    expect(compressesInline(INLINE_GZIP_MAX_BYTES)).toBe(true);
    expect(compressesInline(INLINE_GZIP_MAX_BYTES + 1)).toBe(false);
    expect(compressesInline(256 * 1024)).toBe(false);
  });

  it('archives a large body exactly too', async () => {
    const raw = Buffer.from(
      JSON.stringify({ id: 'evt_2', pad: 'ab'.repeat(INLINE_GZIP_MAX_BYTES) }),
    );
    const archive = await archiveOf(raw, {});
    expect(archive.bodyBytes).toBe(raw.length);
    expect((await unpackBody(archive.body)).equals(raw)).toBe(true);
  });
});
