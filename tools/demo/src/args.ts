/**
 * The command line of `./bgs demo`. Pure: main.ts prints the usage or the error and picks the
 * exit code (2 for bad input, as usual for command-line tools).
 */
import { DEFAULT_COMPANIES, DEFAULT_SEED } from './dataset/dataset';

export interface DemoOptions {
  readonly companies: number;
  readonly seed: number;
  readonly traffic: boolean;
  /** Changes per second. */
  readonly rate: number;
  /** Stop after this many changes; undefined: until Ctrl-C. */
  readonly changes: number | undefined;
  /** How long to wait for the last changes to come through once traffic has ended. */
  readonly timeoutSeconds: number;
}

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: DemoOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_RATE = 20;
export const DEFAULT_TIMEOUT_SECONDS = 120;

export const USAGE = `usage: ./bgs demo [options]

Loads a demo dataset into the stack's Postgres, watches the saved buyer groups and, with
--traffic, makes live changes (SQL updates and signed webhooks) and measures how long each
takes to reach a saved buyer group.

  --companies N   companies to load (default ${DEFAULT_COMPANIES}, 15 to 60 people each)
  --seed S        dataset seed, 0 to 4294967295 (default ${DEFAULT_SEED}); same seed, same data
  --traffic       make live changes; without --changes, until Ctrl-C
  --rate R        changes per second (default ${DEFAULT_RATE}); implies --traffic
  --changes N     stop after N changes, wait for them, print the summary; implies --traffic
  --timeout S     seconds to wait for the last changes once traffic ends (default ${DEFAULT_TIMEOUT_SECONDS})
  -h, --help      this text

Exit status: 0, 1 when --changes was given and some changes were not seen in time, 2 for bad
options.`;

interface NumericOption {
  readonly min: number;
  readonly max: number;
  readonly expected: string;
}

const NUMERIC: Readonly<Record<string, NumericOption>> = {
  '--companies': { min: 1, max: 99_999, expected: 'a positive integer up to 99999' },
  '--seed': { min: 0, max: 0xffff_ffff, expected: 'an integer from 0 to 4294967295' },
  '--rate': { min: 1, max: 10_000, expected: 'a positive integer up to 10000' },
  '--changes': { min: 1, max: 10_000_000, expected: 'a positive integer' },
  '--timeout': { min: 1, max: 86_400, expected: 'a positive integer of seconds up to 86400' },
};

function parseInteger(name: string, raw: string | undefined): number | string {
  const spec = NUMERIC[name] as NumericOption;
  if (raw === undefined || raw === '') return `${name} needs a value: ${spec.expected}`;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    return `${name} must be ${spec.expected}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const numbers = new Map<string, number>();
  let traffic = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--traffic') {
      traffic = true;
      continue;
    }
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (!(name in NUMERIC)) {
      return { kind: 'error', message: `unknown option ${JSON.stringify(arg)} (see --help)` };
    }
    if (numbers.has(name)) return { kind: 'error', message: `${name} given twice` };
    const raw = inline ?? argv[++i];
    const value = parseInteger(name, raw);
    if (typeof value === 'string') return { kind: 'error', message: value };
    numbers.set(name, value);
  }
  const changes = numbers.get('--changes');
  return {
    kind: 'run',
    options: {
      companies: numbers.get('--companies') ?? DEFAULT_COMPANIES,
      seed: numbers.get('--seed') ?? DEFAULT_SEED,
      traffic: traffic || changes !== undefined || numbers.has('--rate'),
      rate: numbers.get('--rate') ?? DEFAULT_RATE,
      changes,
      timeoutSeconds: numbers.get('--timeout') ?? DEFAULT_TIMEOUT_SECONDS,
    },
  };
}
