import { DEFAULT_RATE, DEFAULT_TIMEOUT_SECONDS, parseArgs, type DemoOptions } from './args';

const run = (...argv: string[]): DemoOptions => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
};

const errorOf = (...argv: string[]): string => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
};

describe('parseArgs', () => {
  it('has defaults: 300 companies, seed 42, no traffic', () => {
    expect(run()).toEqual({
      companies: 300,
      seed: 42,
      traffic: false,
      rate: DEFAULT_RATE,
      changes: undefined,
      timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    });
  });

  it('reads the measuring command line', () => {
    expect(run('--traffic', '--changes', '1000', '--rate', '50')).toEqual(
      expect.objectContaining({ traffic: true, changes: 1000, rate: 50 }),
    );
  });

  it('takes --name=value as well as --name value', () => {
    expect(run('--companies=12', '--seed', '0', '--timeout=30')).toEqual(
      expect.objectContaining({ companies: 12, seed: 0, timeoutSeconds: 30 }),
    );
  });

  it('turns traffic on for --changes or --rate', () => {
    expect(run('--changes', '5').traffic).toBe(true);
    expect(run('--rate', '5').traffic).toBe(true);
  });

  it('answers help', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--traffic', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--companies', '0'], '--companies must be a positive integer up to 99999, got "0"'],
    [['--companies', '-3'], '--companies must be a positive integer up to 99999, got "-3"'],
    [['--rate', '2.5'], '--rate must be a positive integer up to 10000, got "2.5"'],
    [['--rate', '1e3'], '--rate must be a positive integer up to 10000, got "1e3"'],
    [['--changes', 'many'], '--changes must be a positive integer, got "many"'],
    [['--changes', ''], '--changes needs a value: a positive integer'],
    [['--timeout'], '--timeout needs a value: a positive integer of seconds up to 86400'],
    [['--seed', '4294967296'], '--seed must be an integer from 0 to 4294967295, got "4294967296"'],
    [
      ['--companies', '99999999999999999999'],
      '--companies must be a positive integer up to 99999, got "99999999999999999999"',
    ],
    [['--traffic', '--fast'], 'unknown option "--fast" (see --help)'],
    [['demo'], 'unknown option "demo" (see --help)'],
    [['--rate', '5', '--rate', '6'], '--rate given twice'],
  ])('refuses %j', (argv, message) => {
    expect(errorOf(...argv)).toBe(message);
  });
});
