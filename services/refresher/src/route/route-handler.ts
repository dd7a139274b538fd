import {
  Topics,
  passThroughHeaders,
  type CompanyTouchRecord,
  type OutputRecord,
  type StageHandler,
  type TopicCodec,
} from '@bgs/platform';
import { providerFactsOf } from './provider-facts';
import type { ProviderFactsStore } from './provider-facts-store';
import type { RoutedInput } from './routed-input';
import { touchesFor, type RouteOptions } from './touches';

export interface RouteDeps {
  readonly codec: TopicCodec<CompanyTouchRecord>;
  readonly facts: ProviderFactsStore;
  readonly options: RouteOptions;
}

/**
 * Records what providers reported and when upstream rows changed, then re-keys every
 * significant change and request by the company it touches. The facts are written first: the
 * discovery a touch causes must see them.
 */
export function createRouteHandler(deps: RouteDeps): StageHandler<RoutedInput> {
  return async (records) => {
    await deps.facts.record(providerFactsOf(records.map((record) => record.value)));
    const outputs: OutputRecord[] = [];
    for (const record of records) {
      for (const touch of touchesFor(record.value, deps.options)) {
        outputs.push({
          topic: Topics.companyTouches,
          key: touch.companyId,
          value: await deps.codec.encode(touch),
          headers: passThroughHeaders(record.headers),
        });
      }
    }
    return outputs;
  };
}
