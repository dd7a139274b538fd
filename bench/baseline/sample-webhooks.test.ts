import { parseRefreshEvent, touchedCompanyIds } from './payload';
import { signedWebhook, typeAt } from './sample-webhooks';
import { verifyLegacySignature } from './signature';

describe('signedWebhook', () => {
  const companies = ['co-1', 'co-2', 'co-3'];

  it('makes valid, signed webhooks whose touched companies are the ones it announces', () => {
    for (let n = 0; n < 80; n += 1) {
      const webhook = signedWebhook('run', n, companies, 'secret', 1000);
      const parsed = parseRefreshEvent(JSON.parse(webhook.body));
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(touchedCompanyIds(parsed.event)).toEqual(webhook.companyIds);
      const check = verifyLegacySignature(
        {
          rawBody: Buffer.from(webhook.body),
          signature: webhook.headers['x-signature'],
          timestamp: webhook.headers['x-timestamp'],
        },
        { secret: 'secret', nowMs: 1000 },
      );
      expect(check).toEqual({ ok: true });
    }
  });

  it('follows the demo webhook mix 14:10:8:8 over each 40', () => {
    const counts = new Map<string, number>();
    for (let n = 0; n < 40; n += 1) counts.set(typeAt(n), (counts.get(typeAt(n)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      'person.role_change': 14,
      'person.promotion': 10,
      'person.department_change': 8,
      'person.company_change': 8,
    });
  });
});
