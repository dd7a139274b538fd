/**
 * What bench/ingress-webhooks.ts prints and how it exits, decided from plain values: its
 * options, the table of the two runs, the ratios, and whether every accepted webhook landed on
 * the topic once. Pure; the script does the I/O.
 */
import { formatTable } from '../report/table';

/** One autocannon run, as the load generator (a child process) sends it back. */
export interface DriveResult {
  readonly title: string;
  readonly sent: number;
  readonly durationS: number;
  readonly perSecondMean: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statuses: Record<string, number>;
  /** Requests autocannon asked for beyond the prepared ones (each would repeat an event id). */
  readonly reused: number;
}

export interface BenchOptions {
  readonly requests: number;
  readonly connections: number;
  readonly warmup: number;
}

/** `--name N`, a positive integer, else the fallback; throws on anything else. */
export function option(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

export const benchOptions = (args: readonly string[]): BenchOptions => ({
  requests: option(args, 'requests', 20_000),
  connections: option(args, 'connections', 50),
  warmup: option(args, 'warmup', 1_000),
});

/** The command that reproduces this run, printed first so a pasted result says how it was made. */
export const commandLine = ({ requests, connections, warmup }: BenchOptions): string =>
  `$ npx tsc -p bench/tsconfig.ingress-webhooks.json && node bench/dist/ingress-webhooks/bench/ingress-webhooks.js --requests ${requests} --connections ${connections} --warmup ${warmup}`;

const fixed = (value: number, digits = 0): string => value.toFixed(digits);

export function table(rows: readonly DriveResult[]): string[] {
  const header = [
    'target',
    'requests',
    'req/s (run)',
    'req/s (autocannon mean)',
    'p50 ms',
    'p99 ms',
    '2xx',
    'non-2xx',
    'errors',
    'statuses',
  ];
  const body = rows.map((row) => [
    row.title,
    String(row.sent),
    fixed(row.sent / row.durationS),
    fixed(row.perSecondMean),
    fixed(row.p50, 1),
    fixed(row.p99, 1),
    String(row.ok2xx),
    String(row.non2xx),
    String(row.errors),
    Object.entries(row.statuses)
      .map(([status, count]) => `${status}:${count}`)
      .join(' '),
  ]);
  return formatTable(header, body).split('\n');
}

const runRate = (row: DriveResult): number => row.sent / row.durationS;

/** The ingress beside the baseline: requests a second over the whole run, and the latencies. */
export function ratioLine(base: DriveResult, measured: DriveResult): string {
  return (
    `ratio ingress/baseline: ${(runRate(measured) / runRate(base)).toFixed(3)} (req/s over the run), ` +
    `p50 ${(measured.p50 / Math.max(base.p50, 0.001)).toFixed(1)}x, p99 ${(measured.p99 / Math.max(base.p99, 0.001)).toFixed(1)}x`
  );
}

/** A run that sent a prepared request twice repeated event ids: its figures are suspect. */
export const reusedWarnings = (rows: readonly DriveResult[]): string[] =>
  rows
    .filter((row) => row.reused > 0)
    .map((row) => `WARNING: ${row.title} reused ${row.reused} requests (repeated event ids)`);

export interface HistogramMean {
  readonly mean: number;
  readonly count: number;
}

/** Where the ingress's time goes, from its own histograms (seconds, shown in ms). */
export const histogramLine = (produce: HistogramMean, handled: HistogramMean): string =>
  `ingress histograms: Kafka acknowledgement mean ${fixed(produce.mean * 1000, 1)} ms over ${produce.count} sends; ` +
  `request mean ${fixed(handled.mean * 1000, 1)} ms over ${handled.count}`;

export interface Landed {
  readonly source: string;
  readonly topic: string;
  /** 2xx answers of the ingress, warm-up and run together. */
  readonly accepted: number;
  /** Records of the bench source on the topic. */
  readonly records: number;
  /** webhook_events rows of the bench source, by status. */
  readonly rowCounts: Readonly<Record<string, number>>;
}

/** Every 2xx is one record of the bench source, and nothing else: else the run fails (1). */
export function landedVerdict(landed: Landed): { lines: string[]; exitCode: 0 | 1 } {
  const { source, topic, accepted, records } = landed;
  const counts =
    `accepted 2xx (warm-up + run): ${accepted}; records on ${topic} from ${source}: ${records}; ` +
    `webhook_events rows: ${JSON.stringify(landed.rowCounts)}`;
  if (records !== accepted) {
    return {
      lines: [counts, `MISMATCH: ${accepted} accepted (2xx) but ${records} records on ${topic}`],
      exitCode: 1,
    };
  }
  return { lines: [counts, 'OK: accepted 2xx == records'], exitCode: 0 };
}
