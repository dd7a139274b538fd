/** A webhook body ready to send: the draft of a planned change with its id and time. */
import type { WebhookEventDraft } from '../traffic/changes';

export interface WebhookEvent extends WebhookEventDraft {
  readonly id: string;
  /** The provider's own label; ingress goes by the source in the URL. */
  readonly source: string;
  /** ISO-8601: when the change happened, which becomes the origin's occurredAt. */
  readonly timestamp: string;
}

export function stampWebhookEvent(
  draft: WebhookEventDraft,
  id: string,
  source: string,
  atMs: number,
): { event: WebhookEvent; body: string } {
  const event: WebhookEvent = { id, source, timestamp: new Date(atMs).toISOString(), ...draft };
  return { event, body: JSON.stringify(event) };
}

/** How the pipeline names a webhook among a buyer group's origins. */
export const webhookRef = (source: string, eventId: string): string =>
  `webhook:${source}:${eventId}`;
