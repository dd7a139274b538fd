/**
 * Peak consumer lag per consumer group while a step runs: every interval, for each group, the
 * sum over its partitions of (high watermark − committed offset), kept at its maximum.
 *
 * Committed offsets move when a consumer commits, so the lag read here includes the consumer's
 * commit interval: it is an upper bound of the records waiting, which is what a peak is for.
 */
import type { Admin } from 'kafkajs';

/** Groups the bench and the demo create for themselves: not the pipeline's. */
export const OWN_GROUP_PREFIXES: readonly string[] = ['bgs-demo', 'bgs-bench'];

export interface CommittedOffsets {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

/** Topic → partition → high watermark. */
export type HighWatermarks = ReadonlyMap<string, ReadonlyMap<number, number>>;

/**
 * The lag of one group. A partition the group never committed (offset -1) is left out: how
 * far behind it is cannot be known, and a group that starts from the end of a topic would
 * otherwise show the topic's whole history as lag.
 */
export function groupLag(committed: readonly CommittedOffsets[], highs: HighWatermarks): number {
  let lag = 0;
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) {
      const committedOffset = Number(offset);
      const high = highs.get(topic)?.get(partition);
      if (high === undefined || !(committedOffset >= 0)) continue;
      lag += Math.max(0, high - committedOffset);
    }
  }
  return lag;
}

export const isPipelineGroup = (groupId: string): boolean =>
  !OWN_GROUP_PREFIXES.some((prefix) => groupId.startsWith(prefix));

export type LagAdmin = Pick<Admin, 'listGroups' | 'fetchOffsets' | 'fetchTopicOffsets'>;

export interface LagSamplerOptions {
  readonly intervalMs?: number;
  /** Default: every group but the bench's and the demo's own. */
  readonly groups?: readonly string[];
  /** A sample that failed (the broker was busy): it is skipped, the next one tries again. */
  readonly onError?: (error: unknown) => void;
}

export class LagSampler {
  private readonly peaks: Record<string, number> = {};
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Sampling failures, for the report. */
  failedSamples = 0;

  constructor(
    private readonly admin: LagAdmin,
    private readonly options: LagSamplerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling, takes a last sample, and returns each group's peak lag. */
  async stop(): Promise<Record<string, number>> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.sample();
    return { ...this.peaks };
  }

  /** One sample of every group; a sample still running is not started twice. */
  sample(): Promise<void> {
    this.inFlight ??= this.readLags()
      .then(
        (lags) => {
          for (const [group, lag] of lags)
            this.peaks[group] = Math.max(this.peaks[group] ?? 0, lag);
        },
        (error: unknown) => {
          this.failedSamples++;
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async groupIds(): Promise<readonly string[]> {
    if (this.options.groups) return this.options.groups;
    const { groups } = await this.admin.listGroups();
    return groups.map((group) => group.groupId).filter(isPipelineGroup);
  }

  private async readLags(): Promise<Map<string, number>> {
    const groupIds = await this.groupIds();
    const committed = await Promise.all(
      groupIds.map((groupId) => this.admin.fetchOffsets({ groupId })),
    );
    const topics = new Set(committed.flatMap((offsets) => offsets.map((t) => t.topic)));
    const highs = new Map<string, Map<number, number>>();
    await Promise.all(
      [...topics].map(async (topic) => {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        highs.set(topic, new Map(offsets.map((p) => [p.partition, Number(p.high)])));
      }),
    );
    return new Map(groupIds.map((groupId, i) => [groupId, groupLag(committed[i] ?? [], highs)]));
  }
}
