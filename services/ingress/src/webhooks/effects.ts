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
import {
  changeTouches,
  fromProviderEvent,
  observationsOf,
  type Change,
  type Observation,
} from '@bgs/domain';
import { changeTouchRecord, type CompanyTouchRecord, type PersonChangeRecord } from '@bgs/platform';

/** What a delivery reports, read once: its change, and what it says about its person. */
export interface Delivery {
  readonly change: Change;
  readonly observations: readonly Observation[];
}

export function readDelivery(record: PersonChangeRecord): Delivery {
  const change = fromProviderEvent(record);
  return { change, observations: observationsOf(change, record.receivedAt) };
}

/**
 * The delivery's touches: none for an insignificant change; for a move, the companies left (the
 * one the event names, then `knownBefore`: where the person was known to be, `KnownCompanies`
 * from recording its observations), then the one joined.
 */
export function deliveryTouches(
  delivery: Pick<Delivery, 'change'>,
  knownBefore: readonly string[] = [],
): CompanyTouchRecord[] {
  // Snapshot reads are CDC's; a webhook is always a change.
  return changeTouches(delivery.change, { backfill: false }, knownBefore).map(changeTouchRecord);
}
