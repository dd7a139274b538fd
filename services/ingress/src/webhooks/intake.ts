/**
 * A verified webhook's way in, framework-free: the HTTP layer hands over a source and the raw
 * body, and gets back the answer to write.
 *
 * The order of checks is the point: the signature over the raw bytes before any parsing; then
 * validation (`readEvent`, pure), the claim on the event id, and the answer only once Kafka
 * holds the record (`createWebhookIntake`).
 */
import type { Logger } from 'winston';
import type { PersonChangeRecord } from '@bgs/platform';
import { archiveOf, type IncomingHeaders } from '../archive/archive';
import type { IngressMetrics } from '../metrics';
import { outgoingTraceparent } from '../trace';
import {
  alreadyProcessed,
  enqueued,
  invalidEvent,
  MALFORMED_JSON,
  UNAUTHORIZED,
  UNAVAILABLE,
  type WebhookAnswer,
} from './answers';
import type { ClaimOutcome, ClaimStore } from './claims';
import { parseWebhookEvent, toPersonChange, type WebhookEvent } from './events';
import { personChangeHeaders, type PersonChangePublisher } from './publish';
import { verifiers, type VerificationFailure } from './signatures';
import { findUnstorableText } from './storable';
import type { WebhookSource } from './sources';

/** A delivery whose body has been read within the limit. */
export interface Delivery {
  readonly source: WebhookSource;
  readonly rawBody: Buffer;
  readonly headers: IncomingHeaders;
  readonly receivedAt: number;
}

export type ReadEvent =
  | { readonly ok: true; readonly event: WebhookEvent; readonly record: PersonChangeRecord }
  | {
      readonly ok: false;
      readonly answer: WebhookAnswer;
      readonly signatureFailure?: VerificationFailure;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true });

const headerOf =
  (headers: IncomingHeaders) =>
  (name: string): string | undefined => {
    const value = headers[name];
    return typeof value === 'string' ? value : value?.[0];
  };

/** Signature, then UTF-8 JSON, the event's shape, its type for this source, storable text. */
export function readEvent(delivery: Delivery, toleranceMs: number): ReadEvent {
  const { source, rawBody, receivedAt } = delivery;
  const verification = verifiers[source.scheme](
    { rawBody, header: headerOf(delivery.headers) },
    { secrets: source.secrets, nowMs: receivedAt, toleranceMs },
  );
  if (!verification.ok) {
    return { ok: false, answer: UNAUTHORIZED, signatureFailure: verification.reason };
  }
  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(rawBody);
    body = JSON.parse(text);
  } catch {
    return { ok: false, answer: MALFORMED_JSON };
  }
  const parsed = parseWebhookEvent(body);
  if (!parsed.ok) return { ok: false, answer: invalidEvent(parsed.field, parsed.message) };
  const { event } = parsed;
  if (!source.eventTypes.includes(event.type)) {
    const accepted = source.eventTypes.join(', ');
    const message = `${event.type} is not accepted from ${source.name}; accepted: ${accepted}`;
    return { ok: false, answer: invalidEvent('type', message) };
  }
  const unstorable = findUnstorableText(event);
  if (unstorable !== undefined) {
    const message = 'contains a NUL character or an unpaired surrogate';
    return { ok: false, answer: invalidEvent(unstorable, message) };
  }
  return { ok: true, event, record: toPersonChange(event, source.name, receivedAt, text) };
}

export interface WebhookIntakeDeps {
  readonly claims: ClaimStore;
  readonly publisher: PersonChangePublisher;
  readonly metrics: Pick<IngressMetrics, 'signatureFailures' | 'duplicates' | 'produceSeconds'>;
  readonly logger: Logger;
  readonly toleranceMs: number;
  /** How long a duplicate waits for the request that owns its event id. */
  readonly inFlightWaitMs: number;
}

export interface WebhookIntake {
  receive(delivery: Delivery): Promise<WebhookAnswer>;
}

interface EventContext {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
}

/** What a log line says of an error, if there was one. */
export function errorDetail(error: unknown): { readonly error?: string } {
  return error ? { error: error instanceof Error ? error.message : String(error) } : {};
}

/** The 503 the provider retries on, with the line saying why. */
function notAccepted(
  logger: Logger,
  context: EventContext,
  why: string,
  error?: unknown,
): WebhookAnswer {
  logger.warn(`webhook not accepted: ${why}`, { ...context, ...errorDetail(error) });
  return UNAVAILABLE;
}

export type ClaimStep =
  /** This request owns the event id and publishes it. */
  | { readonly kind: 'claimed'; readonly id: string; readonly takenOver: boolean }
  /** Another request owns it; `settled` once Kafka holds it. */
  | { readonly kind: 'duplicate'; readonly settled: boolean };

/** What the request does next, by the outcome of its claim. */
export function claimStep(outcome: ClaimOutcome): ClaimStep {
  return outcome.kind === 'claimed'
    ? { kind: 'claimed', id: outcome.id, takenOver: outcome.takenOver }
    : { kind: 'duplicate', settled: outcome.kind === 'enqueued' };
}

/** Claims the event id, archiving the verified delivery; a 503 when the database fails. */
async function claimEvent(
  deps: WebhookIntakeDeps,
  delivery: Delivery,
  event: WebhookEvent,
  record: PersonChangeRecord,
  context: EventContext,
): Promise<ClaimStep | { readonly kind: 'refused'; readonly answer: WebhookAnswer }> {
  try {
    const outcome = await deps.claims.claim({
      ...context,
      companyId: record.companyId,
      // The validated event: unknown keys, however deep, are not ours to keep.
      payload: event,
      signatureScheme: delivery.source.scheme,
      // Verified: only now may it be kept. The allow-list leaves the signature out.
      archive: await archiveOf(delivery.rawBody, delivery.headers),
    });
    const step = claimStep(outcome);
    if (step.kind === 'claimed' && step.takenOver) {
      deps.logger.warn('took over an expired claim', context);
    }
    return step;
  } catch (error) {
    return {
      kind: 'refused',
      answer: notAccepted(deps.logger, context, 'database unavailable', error),
    };
  }
}

/** The owner's answer to a duplicate: 200 once the owner has it on Kafka, else 503. */
async function answerDuplicate(
  deps: WebhookIntakeDeps,
  context: EventContext,
  settledAlready: boolean,
): Promise<WebhookAnswer> {
  const settled = settledAlready || (await waitUntilEnqueued(deps.claims, context, deps));
  if (!settled) return notAccepted(deps.logger, context, 'event id in flight');
  deps.metrics.duplicates.inc({ source: context.source });
  deps.logger.info('duplicate webhook', context);
  return alreadyProcessed(context.eventId);
}

/** Kafka holds it (undefined), or the claim is given back and the provider told to retry. */
async function publishClaimed(
  deps: WebhookIntakeDeps,
  delivery: Delivery,
  record: PersonChangeRecord,
  claimed: string,
  context: EventContext,
): Promise<WebhookAnswer | undefined> {
  const { metrics, logger } = deps;
  const started = process.hrtime.bigint();
  const traceparent = headerOf(delivery.headers)('traceparent');
  try {
    await deps.publisher.publish(
      record.companyId,
      record,
      personChangeHeaders({
        traceparent: outgoingTraceparent(traceparent),
        eventId: context.eventId,
        source: context.source,
      }),
    );
    metrics.produceSeconds.observe({ topic: 'person-changes', result: 'ok' }, elapsed(started));
    return undefined;
  } catch (error) {
    metrics.produceSeconds.observe({ topic: 'person-changes', result: 'error' }, elapsed(started));
    await deps.claims.release(claimed).catch((releaseError: unknown) =>
      // The claim expires on its own; the provider's retry takes it over then.
      logger.warn('could not release claim', { ...context, error: String(releaseError) }),
    );
    return notAccepted(logger, context, 'not published', error);
  }
}

/** A valid event: claim its id, publish it, mark it; 202 only once Kafka holds it. */
async function accept(
  deps: WebhookIntakeDeps,
  delivery: Delivery,
  event: WebhookEvent,
  record: PersonChangeRecord,
): Promise<WebhookAnswer> {
  const context = { source: delivery.source.name, eventId: event.id, eventType: event.type };
  const claim = await claimEvent(deps, delivery, event, record, context);
  if (claim.kind === 'refused') return claim.answer;
  if (claim.kind === 'duplicate') return answerDuplicate(deps, context, claim.settled);
  const refused = await publishClaimed(deps, delivery, record, claim.id, context);
  if (refused) return refused;
  try {
    await deps.claims.markEnqueued(claim.id);
  } catch (error) {
    // Kafka holds the event, so the answer is 202. The row stays `claimed`: a retry after
    // the claim timeout would publish a duplicate, which the stages absorb.
    deps.logger.error('event enqueued but not marked', { ...context, error: String(error) });
  }
  return enqueued(event.id);
}

export function createWebhookIntake(deps: WebhookIntakeDeps): WebhookIntake {
  return {
    async receive(delivery) {
      const read = readEvent(delivery, deps.toleranceMs);
      if (read.ok) return accept(deps, delivery, read.event, read.record);
      if (read.signatureFailure) {
        const reason = read.signatureFailure;
        deps.metrics.signatureFailures.inc({ source: delivery.source.name, reason });
        deps.logger.warn('webhook refused', { source: delivery.source.name, reason });
      }
      return read.answer;
    },
  };
}

const elapsed = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** A concurrent duplicate: wait (bounded) for the owner to finish before answering. */
async function waitUntilEnqueued(
  claims: ClaimStore,
  context: EventContext,
  options: { inFlightWaitMs: number },
): Promise<boolean> {
  const deadline = Date.now() + options.inFlightWaitMs;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const status = await claims.status(context.source, context.eventId);
    if (status === 'enqueued') return true;
    if (status === undefined) return false; // the owner failed and released it
  }
  return false;
}
