import { randomBytes } from 'node:crypto';
// The reference implementation verifies, so this is not our code checked against itself.
import { Webhook } from 'standardwebhooks';
import { signStandardWebhook } from './sign';

const LOCAL_DEMO_SECRET = 'whsec_bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1zdGFuZGFyZC13ZWJob29rcw==';
const BODY =
  '{"id":"evt_1","type":"person.role_change","person":{"id":"p-00001-001","name":"Zoë"}}';

describe('signStandardWebhook', () => {
  it('signs what the standardwebhooks package verifies', () => {
    const now = Date.now();
    const headers = signStandardWebhook(LOCAL_DEMO_SECRET, 'evt_1', BODY, now);
    expect(new Webhook(LOCAL_DEMO_SECRET).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('matches the reference signature byte for byte', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const at = new Date('2026-01-01T00:00:00.750Z');
    const headers = signStandardWebhook(secret, 'msg_abc', BODY, at.getTime());
    expect(headers).toEqual({
      'webhook-id': 'msg_abc',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_abc', at, BODY),
    });
  });

  it('signs the exact body: another body does not verify', () => {
    const headers = signStandardWebhook(LOCAL_DEMO_SECRET, 'evt_1', BODY, Date.now());
    expect(() => new Webhook(LOCAL_DEMO_SECRET).verify(`${BODY} `, { ...headers })).toThrow();
  });

  it('refuses a secret that decodes to nothing', () => {
    expect(() => signStandardWebhook('whsec_', 'evt_1', BODY, Date.now())).toThrow(/empty key/);
  });
});
