/**
 * What an accepted delivery causes downstream, decided at the door: the companies whose groups
 * it refreshes (records for `company-touches`, keyed by company) and what it reports about a
 * person (observations). Webhooks used to take a Kafka hop through the refresher's routing step
 * for this; deciding it here, by the same domain rule the routing step applies to CDC
 * (`changeTouches`), saves every webhook that hop. Pure.
 */
import { changeTouches, fromProviderEvent, observationsOf, type Observation } from '@bgs/domain';
import { changeTouchRecord, type CompanyTouchRecord, type PersonChangeRecord } from '@bgs/platform';

export interface DeliveryEffects {
  /** None for an insignificant change; two for a move (the old company first). */
  readonly touches: readonly CompanyTouchRecord[];
  readonly observations: readonly Observation[];
}

export function deliveryEffects(record: PersonChangeRecord): DeliveryEffects {
  const change = fromProviderEvent(record);
  return {
    // Snapshot reads are CDC's; a webhook is always a change.
    touches: changeTouches(change, { backfill: false }).map(changeTouchRecord),
    observations: observationsOf(change, record.receivedAt),
  };
}
