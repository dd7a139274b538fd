/**
 * Standard Webhooks signing (https://www.standardwebhooks.com), as the `demo` source of the
 * local ingress verifies it: v1 = base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), the
 * key being the base64 after `whsec_`, the timestamp in unix seconds.
 */
import { createHmac } from 'node:crypto';

export interface StandardWebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';

export function signStandardWebhook(
  secret: string,
  id: string,
  body: string,
  atMs: number,
): StandardWebhookHeaders {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  // An empty key would sign anything for anyone; the ingress refuses it, so must we.
  if (key.length === 0) throw new Error('the webhook secret decodes to an empty key');
  const timestamp = String(Math.floor(atMs / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
