/** The chaos command's options, validated before anything starts. */

export interface ChaosArgs {
  readonly short: boolean;
  /** Changes a second, open loop. */
  readonly rate: number;
  readonly companiesPerLevel: number;
  readonly seed: number;
  readonly outageSeconds: number | undefined;
}

export const USAGE = `usage: ./bgs chaos [--short] [--rate N] [--companies-per-level N] [--seed N] [--outage-seconds N]
  --short                 the CI subset: SIGKILL refresher and sink, registry and provider outages
  --rate N                changes a second while faults strike (default 10)
  --companies-per-level N companies in each workspace (identify, enrich, deep_research; default 4)
  --seed N                the schedule's and the traffic's random seed (default 7)
  --outage-seconds N      how long Postgres and the registry stay down (default 30; --short 15)`;

export type ParsedArgs =
  | { readonly ok: true; readonly args: ChaosArgs }
  | { readonly ok: false; readonly message: string; readonly help: boolean };

const NUMERIC = {
  '--rate': { key: 'rate', min: 1, max: 500 },
  '--companies-per-level': { key: 'companiesPerLevel', min: 1, max: 200 },
  '--seed': { key: 'seed', min: 0, max: 2 ** 31 },
  '--outage-seconds': { key: 'outageSeconds', min: 1, max: 600 },
} as const;

export function parseChaosArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, number | boolean | undefined> = {
    short: false,
    rate: 10,
    companiesPerLevel: 4,
    seed: 7,
    outageSeconds: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    if (flag === '--help' || flag === '-h') return { ok: false, message: USAGE, help: true };
    if (flag === '--short') {
      values.short = true;
      continue;
    }
    const numeric = NUMERIC[flag as keyof typeof NUMERIC];
    if (!numeric) return { ok: false, message: `unknown option ${flag}\n${USAGE}`, help: false };
    const text = argv[i + 1];
    const value = Number(text);
    if (
      text === undefined ||
      !Number.isInteger(value) ||
      value < numeric.min ||
      value > numeric.max
    ) {
      return {
        ok: false,
        message: `${flag} needs a whole number from ${numeric.min} to ${numeric.max}, got ${text ?? 'nothing'}`,
        help: false,
      };
    }
    values[numeric.key] = value;
    i += 1;
  }
  return { ok: true, args: values as unknown as ChaosArgs };
}
