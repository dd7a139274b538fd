import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { verifyLegacyHmac } from './legacy-hmac';
import type { SignedRequest, VerifyOptions } from './types';

const FIVE_MINUTES = 5 * 60 * 1000;
const NOW_MS = 1_760_097_600_123;
const BODY = '{"id":"evt_test_001","type":"person.role_change","name":"Zoë"}';
const OLD_SECRET = 'old-secret-ünïcode';
const NEW_SECRET = 'new-secret';

/** The independent signer: openssl, over exactly the bytes the predecessor signed. */
function opensslHmacHex(secret: string, content: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], {
    input: Buffer.from(content, 'utf8'),
  }).toString('utf8');
  // "SHA2-256(stdin)= <hex>" (the label differs between openssl versions)
  const hex = /([0-9a-f]{64})\s*$/.exec(out)?.[1];
  if (hex === undefined) throw new Error(`unexpected openssl output: ${out}`);
  return hex;
}

const options = (secrets: string[]): VerifyOptions => ({
  secrets,
  nowMs: NOW_MS,
  toleranceMs: FIVE_MINUTES,
});

function request(headers: Record<string, string>, body: string = BODY): SignedRequest {
  return { rawBody: Buffer.from(body, 'utf8'), header: (name) => headers[name] };
}

function signed(secret: string, atMs = NOW_MS, body = BODY): Record<string, string> {
  return {
    'x-timestamp': String(atMs),
    'x-signature': opensslHmacHex(secret, `${atMs}.${body}`),
  };
}

describe('verifyLegacyHmac', () => {
  const valid = signed(NEW_SECRET);

  it('accepts a request signed by openssl', () => {
    expect(verifyLegacyHmac(request(valid), options([NEW_SECRET]))).toEqual({
      ok: true,
      timestampMs: NOW_MS,
    });
  });

  it('accepts upper-case hex', () => {
    const upper = { ...valid, 'x-signature': valid['x-signature']!.toUpperCase() };
    expect(verifyLegacyHmac(request(upper), options([NEW_SECRET])).ok).toBe(true);
  });

  it('refuses a wrong secret', () => {
    expect(verifyLegacyHmac(request(valid), options([OLD_SECRET]))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts old and new secret during a rotation, then only the new one', () => {
    const fromOld = request(signed(OLD_SECRET));
    expect(verifyLegacyHmac(fromOld, options([OLD_SECRET, NEW_SECRET])).ok).toBe(true);
    expect(verifyLegacyHmac(request(valid), options([OLD_SECRET, NEW_SECRET])).ok).toBe(true);
    expect(verifyLegacyHmac(fromOld, options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyLegacyHmac(request(valid), options([NEW_SECRET])).ok).toBe(true);
  });

  it('refuses a tampered body or timestamp', () => {
    const opts = options([NEW_SECRET]);
    const bad = { ok: false, reason: 'bad_signature' };
    expect(verifyLegacyHmac(request(valid, BODY.replace('Zoë', 'Zoe')), opts)).toEqual(bad);
    const moved = { ...valid, 'x-timestamp': String(NOW_MS + 1) };
    expect(verifyLegacyHmac(request(moved), opts)).toEqual(bad);
  });

  it('ignores an empty secret, which anyone could sign with', () => {
    expect(verifyLegacyHmac(request(signed('')), options(['']))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  describe('timestamp window (5 minutes, in milliseconds)', () => {
    const at = (offsetMs: number) =>
      verifyLegacyHmac(request(signed(NEW_SECRET, NOW_MS + offsetMs)), options([NEW_SECRET]));

    it('accepts just inside, either way', () => {
      expect(at(-FIVE_MINUTES).ok).toBe(true);
      expect(at(FIVE_MINUTES).ok).toBe(true);
    });

    it('refuses just outside as stale or future', () => {
      expect(at(-FIVE_MINUTES - 1)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(at(FIVE_MINUTES + 1)).toEqual({ ok: false, reason: 'future_timestamp' });
    });

    it('treats a timestamp in seconds as stale, not as a valid request', () => {
      const inSeconds = Math.floor(NOW_MS / 1000);
      expect(
        verifyLegacyHmac(request(signed(NEW_SECRET, inSeconds)), options([NEW_SECRET])),
      ).toEqual({ ok: false, reason: 'stale_timestamp' });
    });
  });

  describe('headers', () => {
    const verify = (headers: Record<string, string>) =>
      verifyLegacyHmac(request(headers), options([NEW_SECRET]));

    it.each(['x-signature', 'x-timestamp'])('refuses a request without %s', (name) => {
      const headers: Record<string, string> = { ...valid };
      delete headers[name];
      expect(verify(headers)).toEqual({ ok: false, reason: 'missing_headers' });
    });

    it.each([
      ['a sha256= prefix', { 'x-signature': `sha256=${valid['x-signature']}` }],
      ['a short signature', { 'x-signature': valid['x-signature']!.slice(2) }],
      ['a long signature', { 'x-signature': `${valid['x-signature']}00` }],
      ['a non-hex signature', { 'x-signature': 'z'.repeat(64) }],
      ['a base64 signature', { 'x-signature': Buffer.alloc(32).toString('base64') }],
      ['a huge signature', { 'x-signature': 'a'.repeat(100_000) }],
      ['a non-numeric timestamp', { 'x-timestamp': 'now' }],
      ['a negative timestamp', { 'x-timestamp': `-${NOW_MS}` }],
      ['an absurd timestamp', { 'x-timestamp': '9'.repeat(400) }],
      ['an ISO timestamp', { 'x-timestamp': new Date(NOW_MS).toISOString() }],
    ])('refuses %s as malformed', (_, override) => {
      expect(verify({ ...valid, ...override })).toEqual({ ok: false, reason: 'malformed_headers' });
    });

    it('never throws, whatever the headers and body', () => {
      const value = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });
      fc.assert(
        fc.property(value, value, fc.uint8Array({ maxLength: 200 }), (sig, ts, body) => {
          const headers: Record<string, string | undefined> = {
            'x-signature': sig,
            'x-timestamp': ts,
          };
          const result = verifyLegacyHmac(
            { rawBody: Buffer.from(body), header: (name) => headers[name] },
            options([NEW_SECRET]),
          );
          return result.ok === false;
        }),
      );
    });
  });
});
