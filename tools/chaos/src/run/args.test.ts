import { parseChaosArgs } from './args';

describe('parseChaosArgs', () => {
  it('has defaults for a full run', () => {
    expect(parseChaosArgs([])).toEqual({
      ok: true,
      args: { short: false, rate: 10, companiesPerLevel: 4, seed: 7, outageSeconds: undefined },
    });
  });

  it('reads every option', () => {
    const parsed = parseChaosArgs(['--short', '--rate', '25', '--outage-seconds', '10']);
    expect(parsed).toMatchObject({ ok: true, args: { short: true, rate: 25, outageSeconds: 10 } });
  });

  it('refuses what it cannot use, naming the option', () => {
    expect(parseChaosArgs(['--rate', 'fast'])).toMatchObject({
      ok: false,
      help: false,
      message: expect.stringContaining('--rate needs a whole number'),
    });
    expect(parseChaosArgs(['--kill-all'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('unknown option --kill-all'),
    });
    expect(parseChaosArgs(['--help'])).toMatchObject({ ok: false, help: true });
  });
});
