import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
// The reference implementation signs, so these tests do not just check our code against itself.
import { Webhook } from 'standardwebhooks';
import { verifyStandardWebhook } from './standard-webhooks';
import type { SignedRequest, VerifyOptions } from './types';

const FIVE_MINUTES = 5 * 60 * 1000;
const NOW_MS = 1_760_097_600_000; // 2025-10-10T12:00:00Z
const BODY = '{"id":"evt_test_001","type":"person.role_change","name":"Zoë"}';
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;
const OLD_SECRET = newSecret();
const NEW_SECRET = newSecret();

const options = (secrets: string[], nowMs = NOW_MS): VerifyOptions => ({
  secrets,
  nowMs,
  toleranceMs: FIVE_MINUTES,
});

function request(headers: Record<string, string>, body: string | Buffer = BODY): SignedRequest {
  return {
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    header: (name) => headers[name],
  };
}

interface SignedHeaders extends Record<string, string> {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

function signed(
  secret: string,
  { id = MSG_ID, atMs = NOW_MS, body = BODY }: { id?: string; atMs?: number; body?: string } = {},
): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(atMs / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, new Date(atMs), body),
  };
}

describe('verifyStandardWebhook', () => {
  it('accepts a request signed by the reference implementation', () => {
    expect(verifyStandardWebhook(request(signed(NEW_SECRET)), options([NEW_SECRET]))).toEqual({
      ok: true,
      webhookId: MSG_ID,
      timestampMs: NOW_MS,
    });
  });

  it('accepts a secret without the whsec_ prefix', () => {
    const bare = NEW_SECRET.slice('whsec_'.length);
    expect(verifyStandardWebhook(request(signed(NEW_SECRET)), options([bare])).ok).toBe(true);
  });

  it('refuses a wrong secret', () => {
    expect(verifyStandardWebhook(request(signed(OLD_SECRET)), options([NEW_SECRET]))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts old and new secret during a rotation, then only the new one', () => {
    const rotating = options([OLD_SECRET, NEW_SECRET]);
    expect(verifyStandardWebhook(request(signed(OLD_SECRET)), rotating).ok).toBe(true);
    expect(verifyStandardWebhook(request(signed(NEW_SECRET)), rotating).ok).toBe(true);

    const rotated = options([NEW_SECRET]);
    expect(verifyStandardWebhook(request(signed(OLD_SECRET)), rotated)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyStandardWebhook(request(signed(NEW_SECRET)), rotated).ok).toBe(true);
  });

  it('refuses a tampered body, id or timestamp', () => {
    const headers = signed(NEW_SECRET);
    const opts = options([NEW_SECRET]);
    const bad = { ok: false, reason: 'bad_signature' };
    expect(verifyStandardWebhook(request(headers, BODY.replace('Zoë', 'Zoe')), opts)).toEqual(bad);
    expect(verifyStandardWebhook(request(headers, `${BODY} `), opts)).toEqual(bad);
    expect(verifyStandardWebhook(request({ ...headers, 'webhook-id': 'msg_other' }), opts)).toEqual(
      bad,
    );
    const oneSecondLater = String(Number(headers['webhook-timestamp']) + 1);
    expect(
      verifyStandardWebhook(request({ ...headers, 'webhook-timestamp': oneSecondLater }), opts),
    ).toEqual(bad);
  });

  it('ignores an empty secret, which anyone could sign with', () => {
    // The reference implementation refuses empty keys, so the forgery is made by hand.
    const ts = String(NOW_MS / 1000);
    const mac = createHmac('sha256', Buffer.alloc(0)).update(`${MSG_ID}.${ts}.${BODY}`).digest();
    const forged = {
      'webhook-id': MSG_ID,
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${mac.toString('base64')}`,
    };
    expect(verifyStandardWebhook(request(forged), options(['', 'whsec_', '====']))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  describe('timestamp window (5 minutes)', () => {
    const at = (offsetMs: number) =>
      verifyStandardWebhook(
        request(signed(NEW_SECRET, { atMs: NOW_MS + offsetMs })),
        options([NEW_SECRET]),
      );

    it('accepts just inside, either way', () => {
      expect(at(-FIVE_MINUTES + 1000).ok).toBe(true);
      expect(at(-FIVE_MINUTES).ok).toBe(true);
      expect(at(FIVE_MINUTES - 1000).ok).toBe(true);
      expect(at(FIVE_MINUTES).ok).toBe(true);
    });

    it('refuses just outside as stale or future', () => {
      expect(at(-FIVE_MINUTES - 1000)).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(at(FIVE_MINUTES + 1000)).toEqual({ ok: false, reason: 'future_timestamp' });
    });

    it('reports a bad signature, not the timestamp, for a forged old request', () => {
      const headers = signed(OLD_SECRET, { atMs: NOW_MS - 3_600_000 });
      expect(verifyStandardWebhook(request(headers), options([NEW_SECRET]))).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });
  });

  describe('several signatures in one header', () => {
    it('accepts when any v1 signature matches, ignoring other versions and junk', () => {
      const headers = signed(NEW_SECRET);
      const valid = headers['webhook-signature'];
      const invalid = signed(OLD_SECRET)['webhook-signature'];
      const list = [
        invalid,
        'v1a,c2lnbmF0dXJlIG9mIGFub3RoZXIgc2NoZW1l',
        'v2,' + valid.slice(3),
        'v1,!!not-base64!!',
        'v1,AAAA',
        'junk',
        '',
        valid,
      ].join(' ');
      expect(
        verifyStandardWebhook(
          request({ ...headers, 'webhook-signature': list }),
          options([NEW_SECRET]),
        ).ok,
      ).toBe(true);
    });

    it('does not accept a matching signature under another version', () => {
      const headers = signed(NEW_SECRET);
      const v2 = headers['webhook-signature'].replace(/^v1,/, 'v2,');
      expect(
        verifyStandardWebhook(
          request({ ...headers, 'webhook-signature': v2 }),
          options([NEW_SECRET]),
        ),
      ).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });

  describe('headers', () => {
    const valid = signed(NEW_SECRET);
    const verify = (headers: Record<string, string>) =>
      verifyStandardWebhook(request(headers), options([NEW_SECRET]));

    it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
      'refuses a request without %s',
      (name) => {
        const headers: Record<string, string> = { ...valid };
        delete headers[name];
        expect(verify(headers)).toEqual({ ok: false, reason: 'missing_headers' });
        expect(verify({ ...valid, [name]: '' })).toEqual({ ok: false, reason: 'missing_headers' });
      },
    );

    it.each([
      ['a non-numeric timestamp', { 'webhook-timestamp': 'yesterday' }],
      ['a negative timestamp', { 'webhook-timestamp': '-1760097600' }],
      ['a fractional timestamp', { 'webhook-timestamp': '1760097600.5' }],
      ['an absurd timestamp', { 'webhook-timestamp': '9'.repeat(400) }],
      ['a padded timestamp', { 'webhook-timestamp': ' 1760097600' }],
      ['an over-long id', { 'webhook-id': 'm'.repeat(257) }],
      ['an id with a control character', { 'webhook-id': 'msg\n1' }],
      [
        'a huge signature list',
        { 'webhook-signature': `${valid['webhook-signature']} `.repeat(100) },
      ],
    ])('refuses %s as malformed', (_, override) => {
      expect(verify({ ...valid, ...override })).toEqual({ ok: false, reason: 'malformed_headers' });
    });

    it.each([
      ['a non-base64 signature', 'v1,%%%%'],
      ['a too short signature', 'v1,AAAA'],
      ['a too long signature', `v1,${Buffer.alloc(64, 1).toString('base64')}`],
      ['an empty signature', 'v1,'],
      ['a list of commas', ',,,'],
    ])('refuses %s without throwing', (_, signature) => {
      expect(verify({ ...valid, 'webhook-signature': signature })).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('never throws, whatever the headers and body', () => {
      const value = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });
      fc.assert(
        fc.property(value, value, value, fc.uint8Array({ maxLength: 200 }), (id, ts, sig, body) => {
          const headers: Record<string, string | undefined> = {
            'webhook-id': id,
            'webhook-timestamp': ts,
            'webhook-signature': sig,
          };
          const result = verifyStandardWebhook(
            { rawBody: Buffer.from(body), header: (name) => headers[name] },
            options([NEW_SECRET]),
          );
          return result.ok === false;
        }),
      );
    });
  });
});

describe('verifyStandardWebhook spelling', () => {
  it('accepts only the canonical base64 spelling of a signature', () => {
    const secret = 'whsec_' + Buffer.from('canonical-spelling-secret').toString('base64');
    const body = '{"id":"evt"}';
    const at = new Date();
    const signature = new Webhook(secret).sign('msg_1', at, body).slice('v1,'.length);
    // HMAC-SHA256 is 32 bytes: 43 characters and one '='; the last character carries 2 unused bits.
    const last = signature.at(-2) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[(alphabet.indexOf(last) ^ 1) % 64] ?? 'A';
    const variant = `${signature.slice(0, -2)}${sibling}=`;
    const headers = (sig: string): Record<string, string> => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': `v1,${sig}`,
    });
    const verify = (sig: string) =>
      verifyStandardWebhook(
        { rawBody: Buffer.from(body), header: (name) => headers(sig)[name] },
        { secrets: [secret], nowMs: at.getTime(), toleranceMs: 300_000 },
      );
    expect(verify(signature).ok).toBe(true);
    expect(verify(variant).ok).toBe(false);
  });
});
