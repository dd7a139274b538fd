/**
 * What an accepted delivery causes downstream, decided at the door: the companies whose groups
 * it refreshes (records for `company-touches`, keyed by company) and what it reports about a
 * person (observations). Webhooks used to take a Kafka hop through the refresher's routing step
 * for this; deciding it here, by the same domain rule the routing step applies to CDC
 * (`changeTouches`), saves every webhook that hop. Pure.
 *
 * The observations come first: recording them tells where a moved person was known to be
 * before (observations.ts), and a move touches those companies too.
 */
import { changeTouches, fromProviderEvent, observationsOf, type Observation } from '@bgs/domain';
import { changeTouchRecord, type CompanyTouchRecord, type PersonChangeRecord } from '@bgs/platform';

export interface DeliveryEffects {
  /**
   * None for an insignificant change; for a move, the companies left (the one the event names,
   * then where the person was known to be), then the one joined.
   */
  readonly touches: readonly CompanyTouchRecord[];
  readonly observations: readonly Observation[];
}

/** What the delivery reports about its person, to record before its touches are sent. */
export function deliveryObservations(record: PersonChangeRecord): Observation[] {
  return observationsOf(fromProviderEvent(record), record.receivedAt);
}

/**
 * The delivery's touches. `knownBefore`: the companies its person was known to be in before a
 * move it reports (`KnownCompanies` from recording its observations); empty for anything else.
 */
export function deliveryTouches(
  record: PersonChangeRecord,
  knownBefore: readonly string[] = [],
): CompanyTouchRecord[] {
  // Snapshot reads are CDC's; a webhook is always a change.
  return changeTouches(fromProviderEvent(record), { backfill: false }, knownBefore).map(
    changeTouchRecord,
  );
}

export function deliveryEffects(
  record: PersonChangeRecord,
  knownBefore: readonly string[] = [],
): DeliveryEffects {
  return {
    touches: deliveryTouches(record, knownBefore),
    observations: deliveryObservations(record),
  };
}
