/**
 * The command line of `./bgs bench <scenario>`. Pure: main.ts prints the usage or the error and
 * picks the exit code (2 for bad input).
 */
export const SCENARIOS = ['freshness', 'ingress', 'cdc'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** `bare`: a node:http door that only verifies the signature, this machine's ceiling (ingress). */
export const SYSTEMS = ['ours', 'baseline', 'bare'] as const;
export type SystemName = (typeof SYSTEMS)[number];
/** The systems with a pipeline behind the door, which freshness follows to the saved group. */
export type PipelineSystem = Exclude<SystemName, 'bare'>;
/** Only ingress measures a door without a pipeline behind it; the others compare two systems. */
const SCENARIO_SYSTEMS: Readonly<Record<Scenario, readonly SystemName[]>> = {
  freshness: ['ours', 'baseline'],
  ingress: SYSTEMS,
  cdc: ['ours', 'baseline'],
};
/** `webhook`: provider webhooks only (both systems); `mixed`: the demo's SQL + webhook mix. */
export const MIXES = ['webhook', 'mixed'] as const;
export type Mix = (typeof MIXES)[number];

export interface BenchOptions {
  readonly scenario: Scenario;
  readonly companies: number;
  readonly seed: number;
  readonly systems: readonly SystemName[];
  readonly mixes: readonly Mix[];
  /** Explicit rates (changes or requests per second): no doubling past them. */
  readonly rates: readonly number[] | undefined;
  readonly maxRate: number;
  readonly warmupSeconds: number;
  /** undefined: the scenario's own default (30 s for freshness, 15 s for ingress). */
  readonly stepSeconds: number | undefined;
  /** How long changes of a step may take to show up after the step before they count as unseen. */
  readonly unseenTimeoutSeconds: number;
  readonly rows: readonly number[];
  readonly connections: number;
  readonly requests: number;
  readonly workerConcurrency: number;
  readonly maxInFlight: number;
  readonly resultsDir: string | undefined;
}

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: BenchOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULTS = {
  companies: 3000,
  seed: 42,
  warmupSeconds: 10,
  freshnessStepSeconds: 30,
  ingressStepSeconds: 15,
  unseenTimeoutSeconds: 60,
  rows: [10_000, 100_000],
  connections: 50,
  requests: 20_000,
  ingressRates: [250, 500, 1000],
  maxRate: 64_000,
  // The predecessor's worker concurrency, which the figures were measured with.
  workerConcurrency: 50,
  maxInFlight: 20_000,
} as const;

export const USAGE = `usage: ./bgs bench <scenario> [options]

Open-loop load harness: buyergroup-stream against the predecessor's BullMQ design, side by side.

scenarios:
  freshness   stepped rates (100, 250, 500, 1000, 2000 changes/s, then doubling) until saturation;
              freshness p50/p90/p99/max per step, the knee (highest rate held with p99 < 1 s)
  ingress     signed-webhook throughput: closed loop (autocannon) and open loop at fixed rates,
              with the pipeline / worker running and stopped
  cdc         one transaction changing job_title of N people rows: time to the CDC topic and to
              every touched company's saved group (ours only: the baseline has no CDC)

options:
  --companies N          dataset size (default ${DEFAULTS.companies}; loaded if not there)
  --seed S               dataset seed (default ${DEFAULTS.seed})
  --systems LIST         ours,baseline,bare (default all three for ingress, ours,baseline
                         otherwise); bare (ingress only): a plain node:http door in a child
                         process that verifies the same signature with ingress's verifier and
                         answers 202, measured once after ours: the ceiling of this machine
  --mix LIST             freshness traffic: webhook,mixed (default both; mixed runs for ours only)
  --rates LIST           explicit rates, e.g. 100,250 (freshness: no doubling past them;
                         ingress: the open-loop rates, default ${DEFAULTS.ingressRates.join(',')})
  --max-rate R           freshness: stop stepping past this rate (default ${DEFAULTS.maxRate})
  --warmup-seconds S     warm-up before each step (default ${DEFAULTS.warmupSeconds})
  --step-seconds S       length of each step (freshness ${DEFAULTS.freshnessStepSeconds}, ingress ${DEFAULTS.ingressStepSeconds})
  --unseen-timeout S     wait for a step's last changes before counting them unseen (default ${DEFAULTS.unseenTimeoutSeconds})
  --rows LIST            cdc: rows per transaction (default ${DEFAULTS.rows.join(',')})
  --connections N        ingress closed loop: connections (default ${DEFAULTS.connections})
  --requests N           ingress closed loop: requests per run (default ${DEFAULTS.requests})
  --worker-concurrency N baseline worker concurrency (default ${DEFAULTS.workerConcurrency})
  --max-in-flight N      open loop: changes in flight before the schedule drops (default ${DEFAULTS.maxInFlight})
  --results-dir DIR      where the JSON and SVG go (default bench/results/)
  -h, --help             this text

Exit status: 0; 1 when the run failed, a change went unseen, or (ingress) the records ours put
on person-changes differ from its 2xx answers; 2 for bad options.`;

interface Bounds {
  readonly min: number;
  readonly max: number;
}

const INTEGERS: Readonly<Record<string, Bounds>> = {
  '--companies': { min: 1, max: 99_999 },
  '--seed': { min: 0, max: 0xffff_ffff },
  '--max-rate': { min: 1, max: 1_000_000 },
  '--warmup-seconds': { min: 0, max: 3600 },
  '--step-seconds': { min: 1, max: 86_400 },
  '--unseen-timeout': { min: 1, max: 86_400 },
  '--connections': { min: 1, max: 10_000 },
  '--requests': { min: 1, max: 10_000_000 },
  '--worker-concurrency': { min: 1, max: 10_000 },
  '--max-in-flight': { min: 1, max: 1_000_000 },
};
const INTEGER_LISTS: Readonly<Record<string, Bounds>> = {
  '--rates': { min: 1, max: 1_000_000 },
  '--rows': { min: 1, max: 10_000_000 },
};
const NAME_LISTS: Readonly<Record<string, readonly string[]>> = {
  '--systems': SYSTEMS,
  '--mix': MIXES,
};
const STRINGS = new Set(['--results-dir']);

function parseInteger(name: string, raw: string, bounds: Bounds): number | string {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    return `${name} must be an integer from ${bounds.min} to ${bounds.max}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

function parseIntegerList(name: string, raw: string, bounds: Bounds): number[] | string {
  const values: number[] = [];
  for (const part of raw.split(',')) {
    const value = parseInteger(name, part.trim(), bounds);
    if (typeof value === 'string') return value;
    values.push(value);
  }
  return values;
}

function parseNameList(name: string, raw: string, allowed: readonly string[]): string[] | string {
  const names = raw.split(',').map((part) => part.trim());
  const unknown = names.find((part) => !allowed.includes(part));
  if (unknown !== undefined) {
    return `${name} takes ${allowed.join(', ')}; got ${JSON.stringify(unknown)}`;
  }
  return [...new Set(names)];
}

type Value = number | readonly number[] | readonly string[] | string;

function parseValue(name: string, raw: string): Value | { error: string } {
  const integer = INTEGERS[name];
  const list = INTEGER_LISTS[name];
  const names = NAME_LISTS[name];
  const parsed = integer
    ? parseInteger(name, raw, integer)
    : list
      ? parseIntegerList(name, raw, list)
      : names
        ? parseNameList(name, raw, names)
        : raw;
  return typeof parsed === 'string' && !STRINGS.has(name) ? { error: parsed } : parsed;
}

const isOption = (name: string): boolean =>
  name in INTEGERS || name in INTEGER_LISTS || name in NAME_LISTS || STRINGS.has(name);

/** Reads `--name value` and `--name=value` pairs after the scenario. */
function readOptions(argv: readonly string[]): Map<string, Value> | string {
  const values = new Map<string, Value>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    if (!isOption(name)) return `unknown option ${JSON.stringify(arg)} (see --help)`;
    if (values.has(name)) return `${name} given twice`;
    const raw = equals > 0 ? arg.slice(equals + 1) : argv[++i];
    if (raw === undefined || raw === '') return `${name} needs a value`;
    const value = parseValue(name, raw);
    if (typeof value === 'object' && 'error' in value) return value.error;
    values.set(name, value);
  }
  return values;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.some((arg) => arg === '-h' || arg === '--help')) return { kind: 'help' };
  const [scenario, ...rest] = argv;
  if (scenario === undefined) return { kind: 'error', message: 'which scenario? (see --help)' };
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    return {
      kind: 'error',
      message: `unknown scenario ${JSON.stringify(scenario)}: ${SCENARIOS.join(', ')}`,
    };
  }
  const values = readOptions(rest);
  if (typeof values === 'string') return { kind: 'error', message: values };
  const get = <T extends Value>(name: string): T | undefined => values.get(name) as T | undefined;
  const allowed = SCENARIO_SYSTEMS[scenario as Scenario];
  const systems = get<SystemName[]>('--systems') ?? allowed;
  const foreign = systems.find((system) => !allowed.includes(system));
  if (foreign !== undefined) {
    return {
      kind: 'error',
      message: `--systems ${foreign}: ${scenario} measures ${allowed.join(', ')}`,
    };
  }
  return {
    kind: 'run',
    options: {
      scenario: scenario as Scenario,
      companies: get<number>('--companies') ?? DEFAULTS.companies,
      seed: get<number>('--seed') ?? DEFAULTS.seed,
      systems,
      mixes: get<Mix[]>('--mix') ?? MIXES,
      rates: get<number[]>('--rates'),
      maxRate: get<number>('--max-rate') ?? DEFAULTS.maxRate,
      warmupSeconds: get<number>('--warmup-seconds') ?? DEFAULTS.warmupSeconds,
      stepSeconds: get<number>('--step-seconds'),
      unseenTimeoutSeconds: get<number>('--unseen-timeout') ?? DEFAULTS.unseenTimeoutSeconds,
      rows: get<number[]>('--rows') ?? DEFAULTS.rows,
      connections: get<number>('--connections') ?? DEFAULTS.connections,
      requests: get<number>('--requests') ?? DEFAULTS.requests,
      workerConcurrency: get<number>('--worker-concurrency') ?? DEFAULTS.workerConcurrency,
      maxInFlight: get<number>('--max-in-flight') ?? DEFAULTS.maxInFlight,
      resultsDir: get<string>('--results-dir'),
    },
  };
}
