import { DEFAULTS, parseArgs, type BenchOptions } from './args';

const run = (argv: string[]): BenchOptions => {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
};

describe('parseArgs', () => {
  it('takes the scenario and the defaults', () => {
    expect(run(['freshness'])).toEqual(
      expect.objectContaining({
        scenario: 'freshness',
        companies: 3000,
        systems: ['ours', 'baseline'],
        mixes: ['webhook', 'mixed'],
        rates: undefined,
        warmupSeconds: 10,
        stepSeconds: undefined,
        rows: DEFAULTS.rows,
        connections: 50,
      }),
    );
  });

  it('reads lists, integers and both option spellings', () => {
    const options = run([
      'freshness',
      '--companies=60',
      '--rates',
      '20,40',
      '--systems',
      'baseline',
      '--mix=webhook',
      '--step-seconds',
      '5',
      '--warmup-seconds',
      '0',
      '--results-dir',
      '/tmp/r',
    ]);
    expect(options).toEqual(
      expect.objectContaining({
        companies: 60,
        rates: [20, 40],
        systems: ['baseline'],
        mixes: ['webhook'],
        stepSeconds: 5,
        warmupSeconds: 0,
        resultsDir: '/tmp/r',
      }),
    );
    expect(run(['cdc', '--rows', '200']).rows).toEqual([200]);
  });

  it('measures the bare door by default in ingress only', () => {
    expect(run(['ingress']).systems).toEqual(['ours', 'baseline', 'bare']);
    expect(run(['cdc']).systems).toEqual(['ours', 'baseline']);
    expect(run(['ingress', '--systems', 'ours,bare']).systems).toEqual(['ours', 'bare']);
  });

  it('answers help anywhere', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['cdc', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /which scenario/],
    [['speed'], /unknown scenario "speed"/],
    [['freshness', '--rates', '10,x'], /--rates must be an integer/],
    [['freshness', '--rates', '0'], /--rates must be an integer from 1/],
    [['freshness', '--systems', 'ours,redis'], /--systems takes ours, baseline, bare; got "redis"/],
    [['freshness', '--systems', 'ours,bare'], /--systems bare: freshness measures ours, baseline/],
    [['cdc', '--systems', 'bare'], /--systems bare: cdc measures ours, baseline/],
    [['freshness', '--companies'], /--companies needs a value/],
    [['freshness', '--companies', '1', '--companies', '2'], /given twice/],
    [['freshness', '--fast'], /unknown option "--fast"/],
  ])('refuses %j', (argv, message) => {
    const parsed = parseArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toMatch(message);
  });
});
