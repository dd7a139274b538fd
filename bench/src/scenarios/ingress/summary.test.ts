import type { DoorRun } from './door';
import { ingressHeaders, ingressRows } from './summary';

function run(
  system: DoorRun['system'],
  pipeline: DoorRun['pipeline'],
  mode: DoorRun['mode'],
  requestsPerSecond: number,
  failed = 0,
): DoorRun {
  return {
    system,
    pipeline,
    mode,
    connections: mode === 'closed' ? 50 : undefined,
    offeredRate: mode === 'open' ? 500 : undefined,
    requestsPerSecond,
    p50Ms: 10,
    p99Ms: 100,
    ok2xx: 0,
    warmupOk2xx: 0,
    failed,
    errorsByKind: {},
    generatorFellBehind: false,
    processes: [],
  };
}

describe('ingressRows', () => {
  const runs = [
    run('ours', 'running', 'closed', 400),
    run('ours', 'running', 'open', 500),
    run('ours', 'stopped', 'closed', 800, 2),
    run('ours', 'stopped', 'open', 500),
    run('bare', 'stopped', 'closed', 4000),
    run('bare', 'stopped', 'open', 500),
    run('baseline', 'running', 'closed', 500),
    run('baseline', 'running', 'open', 490),
    run('baseline', 'stopped', 'closed', 1000, 1),
    run('baseline', 'stopped', 'open', 500),
  ];

  it('puts ours beside the baseline and the bare door, with both ratios', () => {
    expect(ingressHeaders(runs)).toEqual([
      'state',
      'load',
      'ours',
      'baseline',
      'bare',
      'ours/baseline',
      'ours/bare',
      'ours p50 / p99',
      'baseline p50 / p99',
      'bare p50 / p99',
      'failed ours / baseline / bare',
    ]);
    const rows = ingressRows(runs);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual([
      'pipeline stopped',
      'closed, 50 connections',
      '800/s',
      '1,000/s',
      '4,000/s',
      '0.80×',
      '0.20×',
      '10 ms / 100 ms',
      '10 ms / 100 ms',
      '10 ms / 100 ms',
      '2 / 1 / 0',
    ]);
  });

  it('sets the bare door, measured once, beside both pipeline states', () => {
    const [running] = ingressRows(runs);
    expect(running?.slice(0, 7)).toEqual([
      'pipeline running',
      'closed, 50 connections',
      '400/s',
      '500/s',
      '4,000/s',
      '0.80×',
      '0.10×',
    ]);
  });

  it('leaves out the columns of a door not measured', () => {
    const oursAndBare = runs.filter((r) => r.system !== 'baseline');
    expect(ingressHeaders(oursAndBare)).toEqual([
      'state',
      'load',
      'ours',
      'bare',
      'ours/bare',
      'ours p50 / p99',
      'bare p50 / p99',
      'failed ours / bare',
    ]);
    expect(ingressRows(oursAndBare).map((row) => row[4])).toEqual([
      '0.10×',
      '1.00×',
      '0.20×',
      '1.00×',
    ]);
  });

  it('shows the bare door alone in its own state', () => {
    const bare = [run('bare', 'running', 'closed', 4000)];
    expect(ingressRows(bare)).toEqual([
      [
        'pipeline running',
        'closed, 50 connections',
        '–',
        '4,000/s',
        '–',
        '–',
        '10 ms / 100 ms',
        '– / 0',
      ],
    ]);
  });
});
