import {
  Topics,
  passThroughHeaders,
  type CompanyTouchRecord,
  type OutputRecord,
  type StageHandler,
  type TopicCodec,
} from '@bgs/platform';
import type { RoutedInput } from './routed-input';
import { touchesFor, type RouteOptions } from './touches';

/** Re-keys every significant change and request by the company it touches. */
export function createRouteHandler(
  codec: TopicCodec<CompanyTouchRecord>,
  options: RouteOptions,
): StageHandler<RoutedInput> {
  return async (records) => {
    const outputs: OutputRecord[] = [];
    for (const record of records) {
      for (const touch of touchesFor(record.value, options)) {
        outputs.push({
          topic: Topics.companyTouches,
          key: touch.companyId,
          value: await codec.encode(touch),
          headers: passThroughHeaders(record.headers),
        });
      }
    }
    return outputs;
  };
}
