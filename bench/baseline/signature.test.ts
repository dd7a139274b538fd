import { createHmac } from 'node:crypto';
import { signLegacy, SIGNATURE_TOLERANCE_MS, verifyLegacySignature } from './signature';

const SECRET = 'local-development-only-legacy-secret';
const NOW = 1_760_000_000_000;
const body = Buffer.from('{"id":"evt-1","type":"person.promotion","company":{"id":"co-1"}}');

const delivery = (
  overrides: Partial<{ signature: string; timestamp: string; rawBody: Buffer }>,
) => ({
  rawBody: body,
  timestamp: String(NOW),
  signature: signLegacy(SECRET, NOW, body),
  ...overrides,
});

describe('verifyLegacySignature', () => {
  it('accepts hex HMAC-SHA256 of `${timestamp}.${body}`, as our ingress legacy source signs', () => {
    const independent = createHmac('sha256', SECRET)
      .update(`${NOW}.${body.toString()}`)
      .digest('hex');
    expect(
      verifyLegacySignature(delivery({ signature: independent }), { secret: SECRET, nowMs: NOW }),
    ).toEqual({ ok: true });
  });

  it('accepts upper-case hex', () => {
    const signature = signLegacy(SECRET, NOW, body).toUpperCase();
    expect(verifyLegacySignature(delivery({ signature }), { secret: SECRET, nowMs: NOW }).ok).toBe(
      true,
    );
  });

  it('refuses a tampered body, timestamp or signature', () => {
    const key = { secret: SECRET, nowMs: NOW };
    const tamperedBody = Buffer.from(body.toString().replace('co-1', 'co-2'));
    const original = signLegacy(SECRET, NOW, body);
    const flipped = `${original.slice(0, -1)}${original.endsWith('0') ? '1' : '0'}`;
    for (const changed of [
      delivery({ rawBody: tamperedBody }),
      delivery({ timestamp: String(NOW + 1) }),
      delivery({ signature: flipped }),
    ]) {
      expect(verifyLegacySignature(changed, key)).toEqual({ ok: false, reason: 'bad_signature' });
    }
  });

  it('refuses another secret, and never accepts an empty one', () => {
    expect(verifyLegacySignature(delivery({}), { secret: 'other', nowMs: NOW }).ok).toBe(false);
    const unsigned = delivery({ signature: signLegacy('', NOW, body) });
    expect(verifyLegacySignature(unsigned, { secret: '', nowMs: NOW }).ok).toBe(false);
  });

  it('refuses a timestamp more than five minutes away, either way', () => {
    const late = { secret: SECRET, nowMs: NOW + SIGNATURE_TOLERANCE_MS + 1 };
    const early = { secret: SECRET, nowMs: NOW - SIGNATURE_TOLERANCE_MS - 1 };
    const edge = { secret: SECRET, nowMs: NOW + SIGNATURE_TOLERANCE_MS };
    expect(verifyLegacySignature(delivery({}), late)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyLegacySignature(delivery({}), early)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyLegacySignature(delivery({}), edge).ok).toBe(true);
  });

  it('refuses a signature of the wrong length without throwing', () => {
    const full = signLegacy(SECRET, NOW, body);
    for (const signature of [full.slice(0, 62), `${full}00`, full.slice(0, 32), `sha256=${full}`]) {
      expect(
        verifyLegacySignature(delivery({ signature }), { secret: SECRET, nowMs: NOW }),
      ).toEqual({
        ok: false,
        reason: 'malformed_headers',
      });
    }
  });

  it('refuses missing or malformed headers', () => {
    const key = { secret: SECRET, nowMs: NOW };
    expect(
      verifyLegacySignature({ rawBody: body, signature: undefined, timestamp: String(NOW) }, key),
    ).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyLegacySignature(delivery({ timestamp: '' }), key).ok).toBe(false);
    expect(verifyLegacySignature(delivery({ timestamp: '2025-10-10T12:00:00Z' }), key)).toEqual({
      ok: false,
      reason: 'malformed_headers',
    });
    expect(verifyLegacySignature(delivery({ signature: 'z'.repeat(64) }), key)).toEqual({
      ok: false,
      reason: 'malformed_headers',
    });
  });
});
