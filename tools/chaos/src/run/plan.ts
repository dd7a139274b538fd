/**
 * The chaos schedule: which faults, in which order, each lifted before the next. Pure, so the
 * schedule a seed gives can be read and tested without a stack.
 */

export const SERVICES = ['ingress', 'refresher', 'enricher', 'sink'] as const;
export type ServicePart = (typeof SERVICES)[number];

export type FaultAction =
  /** The process is signalled (at a random point of the traffic), then started again. */
  | { readonly kind: 'signal'; readonly part: ServicePart; readonly signal: 'SIGKILL' | 'SIGTERM' }
  /** Stopped and started again at once (graceful: the stack's own stop). */
  | { readonly kind: 'restart'; readonly part: 'kafka' | 'connect' }
  /** Stopped for `seconds`, then started. */
  | { readonly kind: 'outage'; readonly part: 'postgres' | 'registry'; readonly seconds: number }
  /** The local provider misbehaves for `seconds` (its control API), then recovers. */
  | {
      readonly kind: 'provider';
      readonly faults: {
        readonly failRate?: number;
        readonly failStatus?: number;
        readonly latencyMs?: number;
      };
      readonly seconds: number;
    };

export interface Fault {
  readonly name: string;
  readonly action: FaultAction;
  /** Traffic before the fault strikes, so it lands at a random point of the work in flight. */
  readonly delayMs: number;
}

export interface PlanOptions {
  /** The CI subset: a few faults, short outages. */
  readonly short: boolean;
  /** Uniform in [0, 1): the seeded random of the run. */
  readonly random: () => number;
  /** How long a dependency outage lasts (default 30 s; the short run's 15 s). */
  readonly outageSeconds?: number;
}

const KILLS_PER_SERVICE = 3;

/** Between 0.5 s and 3.5 s of traffic, so a kill lands anywhere in a batch, also mid-commit. */
const randomDelay = (random: () => number): number => 500 + Math.floor(random() * 3_000);

export function faultPlan(options: PlanOptions): Fault[] {
  const { random, short } = options;
  const outage = options.outageSeconds ?? (short ? 15 : 30);
  const fault = (name: string, action: FaultAction): Fault => ({
    name,
    action,
    delayMs: randomDelay(random),
  });
  if (short) {
    return [
      fault('SIGKILL refresher', { kind: 'signal', part: 'refresher', signal: 'SIGKILL' }),
      fault('SIGKILL sink', { kind: 'signal', part: 'sink', signal: 'SIGKILL' }),
      fault(`registry stopped ${outage} s`, { kind: 'outage', part: 'registry', seconds: outage }),
      fault(`provider 100 % 503 for ${outage} s`, {
        kind: 'provider',
        faults: { failRate: 1, failStatus: 503 },
        seconds: outage,
      }),
    ];
  }
  const kills = SERVICES.flatMap((part) =>
    Array.from({ length: KILLS_PER_SERVICE }, (_, n) =>
      fault(`SIGKILL ${part} (${n + 1}/${KILLS_PER_SERVICE})`, {
        kind: 'signal',
        part,
        signal: 'SIGKILL',
      }),
    ),
  );
  const terms = (['refresher', 'enricher', 'sink'] as const).map((part) =>
    fault(`SIGTERM ${part} with a batch in flight`, { kind: 'signal', part, signal: 'SIGTERM' }),
  );
  return [
    ...kills,
    ...terms,
    fault('Kafka restart', { kind: 'restart', part: 'kafka' }),
    fault(`Postgres stopped ${outage} s`, { kind: 'outage', part: 'postgres', seconds: outage }),
    fault(`registry stopped ${outage} s`, { kind: 'outage', part: 'registry', seconds: outage }),
    fault('Connect restart', { kind: 'restart', part: 'connect' }),
    fault('provider 100 % 503 for 60 s', {
      kind: 'provider',
      faults: { failRate: 1, failStatus: 503 },
      seconds: 60,
    }),
    fault('provider answering after 3 s for 30 s', {
      kind: 'provider',
      faults: { latencyMs: 3_000 },
      seconds: 30,
    }),
  ];
}
