/**
 * The JSON shape of a delivery for an operator, one home for the deliveries CLI (`--json`)
 * and the operator API, so both print the same fields. `deliveryView` decompresses the body,
 * which holds personal data: it goes to the operator who asked, never to a log.
 */
import { unpackBody } from './archive';
import type { ArchivedDelivery, DeliverySummary } from './store';

export interface DeliverySummaryView {
  readonly id: string;
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: string;
  readonly companyId: string | null;
  readonly receivedAt: string;
  readonly processedAt: string | null;
  /** Null once the retention removed the archive. */
  readonly archive: { readonly bodyBytes: number; readonly storedBytes: number } | null;
  readonly replayOf: string | null;
}

export interface DeliveryView extends DeliverySummaryView {
  readonly headers: Readonly<Record<string, string>> | null;
  /** The raw body as it arrived, decompressed; null when the archive is gone. */
  readonly body: string | null;
}

export const summaryView = (delivery: DeliverySummary): DeliverySummaryView => ({
  id: delivery.id,
  source: delivery.source,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  status: delivery.status,
  companyId: delivery.companyId,
  receivedAt: delivery.receivedAt.toISOString(),
  processedAt: delivery.processedAt?.toISOString() ?? null,
  archive: delivery.archive,
  replayOf: delivery.replayOf,
});

export async function deliveryView(delivery: ArchivedDelivery): Promise<DeliveryView> {
  const body = delivery.body === null ? null : (await unpackBody(delivery.body)).toString('utf8');
  return { ...summaryView(delivery), headers: delivery.headers, body };
}
