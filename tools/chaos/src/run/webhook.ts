/** A signed title-change webhook to ingress, as the chaos traffic and its probes send them. */
import { signStandardWebhook } from '@bgs/demo';

export interface WebhookDoor {
  readonly ingressUrl: string;
  readonly source: string;
  readonly secret: string;
}

/** The body of a `person.role_change` report. */
export function roleChangeBody(
  id: string,
  change: { companyId: string; personId: string; oldTitle: string; newTitle: string },
  atMs: number,
): string {
  return JSON.stringify({
    id,
    source: 'chaos',
    type: 'person.role_change',
    timestamp: new Date(atMs).toISOString(),
    company: { id: change.companyId },
    person: { id: change.personId, oldTitle: change.oldTitle, newTitle: change.newTitle },
    changes: { title: { old: change.oldTitle, new: change.newTitle } },
  });
}

/** Ingress's status for one try (signed now), or 0 when it could not be reached. */
export async function postWebhook(
  door: WebhookDoor,
  id: string,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return fetch(`${door.ingressUrl}/webhooks/${door.source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signStandardWebhook(door.secret, id, body, Date.now()),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  }).then(
    async (response) => {
      await response.text();
      return response.status;
    },
    () => 0,
  );
}

/** 202, or 200 when an earlier try was taken and its answer lost. */
export const accepted = (status: number): boolean => status === 202 || status === 200;
