/**
 * Replaying an archived delivery through the pipeline after a fix. A replay is not verified
 * again (it was, on arrival); it is the record ingress would have published, with one more
 * header, `replay`, that keeps it out of the freshness measure. It goes through the same claim
 * as a delivery, so it is idempotent: under its own event id it publishes only what Kafka does
 * not hold yet (a claim a crash left behind); under a new id (`--as`) it publishes once, and a
 * repeat finds that id enqueued.
 */
import type { PersonChangeRecord } from '@bgs/platform';
import { ensureTraceparent } from '../trace';
import type { ClaimOutcome, ClaimStore } from '../webhooks/claims';
import { isEventId, parseWebhookEvent, toPersonChange } from '../webhooks/events';
import { personChangeHeaders, type PersonChangePublisher } from '../webhooks/publish';
import { unpackBody } from './archive';
import type { ArchivedDelivery } from './store';

export type SkipReason =
  /** Kafka holds this event id already: nothing to do (give a new id to send it again). */
  | 'already_enqueued'
  /** Another request or replay owns this event id right now. */
  | 'in_flight'
  /** The retention removed the body (or the delivery came before the archive). */
  | 'no_archive'
  /** The new event id would not be a valid one (a prefix made it too long). */
  | 'invalid_event_id';

export type ReplayResult =
  | {
      readonly kind: 'enqueued';
      readonly eventId: string;
      /** Kafka holds it, but something after the publish went wrong. */
      readonly warning?: string;
    }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly eventId: string }
  | {
      readonly kind: 'failed';
      /** Kafka did not take it (try again), or the archived delivery cannot be read (do not). */
      readonly cause: 'not_published' | 'unreadable';
      readonly reason: string;
      readonly eventId: string;
    };

/** How the operator names the replay's event id: the delivery's own, a new one, or a prefix. */
export type ReplayIdentity =
  | { readonly kind: 'same' }
  | { readonly kind: 'as'; readonly eventId: string }
  | { readonly kind: 'prefix'; readonly prefix: string };

export function replayEventId(
  original: string,
  identity: ReplayIdentity,
):
  | { readonly ok: true; readonly eventId: string }
  | { readonly ok: false; readonly eventId: string } {
  const eventId =
    identity.kind === 'same'
      ? original
      : identity.kind === 'as'
        ? identity.eventId
        : `${identity.prefix}${original}`;
  return { ok: isEventId(eventId), eventId };
}

/** What a replay does with the claim's answer: publish only when it owns the event id. */
export function replayDecision(
  outcome: ClaimOutcome,
):
  | { readonly publish: true; readonly claimId: string }
  | { readonly publish: false; readonly reason: SkipReason } {
  switch (outcome.kind) {
    case 'claimed':
      return { publish: true, claimId: outcome.id };
    case 'enqueued':
      return { publish: false, reason: 'already_enqueued' };
    case 'in_flight':
      return { publish: false, reason: 'in_flight' };
  }
}

export interface ReplayDeps {
  readonly claims: ClaimStore;
  readonly publisher: PersonChangePublisher;
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Replays one delivery. A problem with the delivery itself is a result, so a range goes on; an
 * unreachable database throws.
 */
export async function replayDelivery(
  delivery: ArchivedDelivery,
  identity: ReplayIdentity,
  deps: ReplayDeps,
): Promise<ReplayResult> {
  const named = replayEventId(delivery.eventId, identity);
  const eventId = named.eventId;
  if (!named.ok) return { kind: 'skipped', reason: 'invalid_event_id', eventId };
  if (delivery.body === null) return { kind: 'skipped', reason: 'no_archive', eventId };

  let text: string;
  let parsed;
  try {
    text = (await unpackBody(delivery.body)).toString('utf8');
    parsed = parseWebhookEvent(JSON.parse(text));
  } catch {
    return {
      kind: 'failed',
      cause: 'unreadable',
      reason: 'the archived body is not gzip JSON',
      eventId,
    };
  }
  if (!parsed.ok) {
    return {
      kind: 'failed',
      cause: 'unreadable',
      reason: `the archived event is invalid at ${parsed.field}`,
      eventId,
    };
  }
  const event = { ...parsed.event, id: eventId };
  const record = toPersonChange(event, delivery.source, delivery.receivedAt.getTime(), text);

  const decision = replayDecision(
    await deps.claims.claim({
      source: delivery.source,
      eventId,
      eventType: event.type,
      companyId: record.companyId,
      payload: event,
      signatureScheme: delivery.signatureScheme,
      archive: {
        body: delivery.body,
        bodyBytes: delivery.archive?.bodyBytes ?? Buffer.byteLength(text),
        headers: delivery.headers ?? {},
        replayOf: eventId === delivery.eventId ? null : delivery.id,
      },
    }),
  );
  if (!decision.publish) return { kind: 'skipped', reason: decision.reason, eventId };
  return publishClaimed(decision.claimId, record, delivery, deps);
}

async function publishClaimed(
  claimId: string,
  record: PersonChangeRecord,
  delivery: ArchivedDelivery,
  deps: ReplayDeps,
): Promise<ReplayResult> {
  const { eventId } = record;
  try {
    await deps.publisher.publish(
      record.companyId,
      record,
      personChangeHeaders({
        traceparent: ensureTraceparent(undefined),
        eventId,
        source: delivery.source,
        replayOf: delivery.eventId,
      }),
    );
  } catch (error) {
    // As the door does: give the id up so that the next replay can claim it.
    await deps.claims.release(claimId).catch(() => undefined);
    return {
      kind: 'failed',
      cause: 'not_published',
      reason: `not published: ${describe(error)}`,
      eventId,
    };
  }
  try {
    await deps.claims.markEnqueued(claimId);
  } catch (error) {
    // Kafka holds it; the claim expires and a later replay would publish a duplicate, which
    // the stages absorb. Reported so the operator knows.
    return { kind: 'enqueued', eventId, warning: `not marked enqueued: ${describe(error)}` };
  }
  return { kind: 'enqueued', eventId };
}
