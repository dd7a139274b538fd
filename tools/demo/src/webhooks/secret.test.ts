import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookSecretFrom } from './secret';

const LOCAL_SOURCES = readFileSync(
  join(__dirname, '../../../../deploy/local/webhook-sources.json'),
  'utf8',
);

describe('webhookSecretFrom', () => {
  it('finds the demo source secret of the local stack', () => {
    expect(webhookSecretFrom(LOCAL_SOURCES, 'demo', {})).toMatch(/^whsec_/);
  });

  it('reads a secret held in the environment', () => {
    const file = JSON.stringify({
      sources: { acme: { scheme: 'standard-webhooks', secrets: [{ env: 'ACME_SECRET' }] } },
    });
    expect(webhookSecretFrom(file, 'acme', { ACME_SECRET: 'whsec_c2VjcmV0' })).toBe(
      'whsec_c2VjcmV0',
    );
    expect(() => webhookSecretFrom(file, 'acme', {})).toThrow('no usable secret');
  });

  it('refuses an unknown source or another scheme', () => {
    expect(() => webhookSecretFrom(LOCAL_SOURCES, 'nope', {})).toThrow('no source "nope"');
    expect(() => webhookSecretFrom(LOCAL_SOURCES, 'legacy', {})).toThrow('legacy-hmac');
  });
});
