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
import { upstreamCommitsOf } from './upstream-commits';
import type { UpstreamCommitStore } from './upstream-commits-store';

export interface RouteDeps {
  readonly codec: TopicCodec<CompanyTouchRecord>;
  readonly upstreamCommits: UpstreamCommitStore;
  readonly options: RouteOptions;
}

/**
 * Records when upstream rows changed, then re-keys every significant change and request by the
 * company it touches. The commit times are written first: the discovery a touch causes must see
 * them.
 */
export function createRouteHandler(deps: RouteDeps): StageHandler<RoutedInput> {
  return async (records) => {
    await deps.upstreamCommits.record(upstreamCommitsOf(records.map((record) => record.value)));
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
