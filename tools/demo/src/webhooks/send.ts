/** POSTs one signed webhook to ingress; resolves once ingress says Kafka holds it (202). */
import { signStandardWebhook } from './sign';

export interface WebhookTarget {
  /** e.g. http://127.0.0.1:58100/webhooks/demo */
  readonly url: string;
  readonly secret: string;
}

export class WebhookRejected extends Error {
  override readonly name = 'WebhookRejected';

  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`ingress answered ${status}: ${body.slice(0, 200)}`);
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function sendWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  atMs: number,
): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signStandardWebhook(target.secret, id, body, atMs),
    },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  // 200 would mean "already processed": an old event, which makes no new change.
  if (response.status !== 202) throw new WebhookRejected(response.status, text);
}
