/**
 * What the sink published for a company on `buyer-groups`, read by a consumer of the test's
 * own: its states in the order published, the generations, and the source changes (origins)
 * each generation was the first to include. Counted on the topic, where a duplicate or a
 * missing generation would show.
 */
import { Topics, type BuyerGroupStateRecord } from '@bgs/platform';
import { topicCodec } from './pipeline';
import { readTopic, type TopicReader } from './topic-reader';
import { waitFor } from './wait';

export interface PublishedGeneration {
  readonly generation: number;
  readonly origins: readonly string[];
}

export interface PublishedGroups {
  /** The company's published states, in the order they were published (republished too). */
  readonly states: () => BuyerGroupStateRecord[];
  /** Waits until a published state satisfies `accept`, and returns it. */
  readonly waitFor: (
    accept: (state: BuyerGroupStateRecord) => boolean,
    description: string,
  ) => Promise<BuyerGroupStateRecord>;
  /** Each published generation once (a generation published again counts once), in order. */
  readonly generations: () => PublishedGeneration[];
  /** The first published generation above `after` whose origins include `ref`. */
  readonly waitForOrigin: (ref: string, after?: number) => Promise<PublishedGeneration>;
  /** How many times `ref` is among the origins of all published generations. */
  readonly occurrences: (ref: string) => number;
  readonly stop: () => Promise<void>;
}

/** An independent reader of `buyer-groups`, to share between several companies' views. */
export async function readBuyerGroups(): Promise<TopicReader<BuyerGroupStateRecord>> {
  const codec = topicCodec<BuyerGroupStateRecord>(Topics.buyerGroups);
  return readTopic(Topics.buyerGroups, (value) => codec.decode(value));
}

export async function publishedGroups(companyId: string): Promise<PublishedGroups> {
  return publishedGroupsOf(await readBuyerGroups(), companyId);
}

/** One company's view of a shared reader; its `stop` stops the reader. */
export function publishedGroupsOf(
  reader: TopicReader<BuyerGroupStateRecord>,
  companyId: string,
): PublishedGroups {
  const states = () => reader.records.filter((r) => r.key === companyId).map((r) => r.value);
  const generations = (): PublishedGeneration[] => {
    const byGeneration = new Map<number, PublishedGeneration>();
    for (const state of states()) {
      if (byGeneration.has(state.generation)) continue;
      byGeneration.set(state.generation, {
        generation: state.generation,
        origins: state.origins.map((o) => o.ref),
      });
    }
    return [...byGeneration.values()].sort((a, b) => a.generation - b.generation);
  };
  const waitForState = (
    accept: (state: BuyerGroupStateRecord) => boolean,
    description: string,
  ): Promise<BuyerGroupStateRecord> =>
    waitFor(() => states().find(accept), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: `${companyId} on ${Topics.buyerGroups}: ${description}`,
    });
  return {
    states,
    waitFor: waitForState,
    generations,
    waitForOrigin: (ref, after = -1) =>
      waitFor(() => generations().find((g) => g.generation > after && g.origins.includes(ref)), {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: `${companyId} on ${Topics.buyerGroups}: a generation including ${ref}`,
      }),
    occurrences: (ref) =>
      generations().reduce((n, g) => n + g.origins.filter((o) => o === ref).length, 0),
    stop: () => reader.stop(),
  };
}
