/**
 * Where a discovered buyer group goes next. A paid level goes through the enricher, which buys
 * what the level asks for. An `identify` group has nothing to buy: it goes straight to the
 * sink's input, one hop (a fetch and a Kafka transaction) fewer, unless a paid refresh of the
 * same company may still be in the enricher. Then it follows that refresh through the enricher,
 * so the sink receives the company's groups in order and the paid data is saved first (an
 * identify save keeps it). A paid refresh is granted only with a cooldown window, so "inside the
 * company's window" covers every paid refresh that can be in flight; a workspace without a
 * cooldown (0 s) records no window, so its identify groups always go through the enricher.
 */
import { isPaidLevel, type EnrichmentLevel } from '@bgs/domain';
import { Topics } from '@bgs/platform';

export type WorkTopic = typeof Topics.buyerGroupDiscovered | typeof Topics.buyerGroupResearched;

export interface WorkRouteInput {
  readonly level: EnrichmentLevel;
  readonly cooldownSeconds: number;
  /** The company is inside a paid cooldown window (a paid refresh may be in the enricher). */
  readonly inPaidWindow: boolean;
}

export function workTopicFor({ level, cooldownSeconds, inPaidWindow }: WorkRouteInput): WorkTopic {
  const straightToSink = !isPaidLevel(level) && cooldownSeconds > 0 && !inPaidWindow;
  return straightToSink ? Topics.buyerGroupResearched : Topics.buyerGroupDiscovered;
}
