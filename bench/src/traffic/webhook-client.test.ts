import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyLegacyHmac } from '../../../services/ingress/src/webhooks/signatures/legacy-hmac';
import { legacySecretFrom, legacySignatureHeaders } from './webhook-client';

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
