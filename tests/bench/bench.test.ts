/**
 * The harness keeps working: each scenario of `./bgs bench` runs as a child process against
 * the real stack, at a low rate on a small dataset, and writes its result. Benchmarks are not
 * tests: the figures are not judged here, only that they were measured (no change unseen at
 * this low rate, freshness for both systems, the chart drawn). `./bgs up` built bench/dist.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, requireStack } from '../helpers/stack';

const run = promisify(execFile);
const MAIN = path.join(repoRoot, 'bench/dist/src/main.js');
const SMALL = ['--companies', '60', '--systems', 'ours,baseline'];

let resultsDir: string;

beforeAll(async () => {
  await requireStack();
  resultsDir = mkdtempSync(path.join(tmpdir(), 'bgs-bench-test-'));
});

afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

async function bench(args: readonly string[], timeoutMs: number): Promise<string> {
  const { stdout } = await run(process.execPath, [MAIN, ...args, '--results-dir', resultsDir], {
    cwd: repoRoot,
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  return stdout;
}

/** The newest result of a scenario, parsed. */
function result(scenario: string): { file: string; json: Record<string, unknown> } {
  const files = readdirSync(resultsDir)
    .filter((file) => file.startsWith(`${scenario}-`) && file.endsWith('.json'))
    .sort();
  const file = files[files.length - 1];
  if (file === undefined) throw new Error(`no ${scenario} result in ${resultsDir}`);
  const full = path.join(resultsDir, file);
  return { file: full, json: JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown> };
}

interface Step {
  system: string;
  mix: string;
  offeredRate: number;
  achievedRate: number;
  unseen: number;
  freshness: { p50: number; p90: number; p99: number; max: number } | undefined;
  peakLag: Record<string, number>;
  processes: { name: string; cpuPercent: number; peakRssMb: number }[];
  errorsByKind: Record<string, number>;
}

describe('./bgs bench', () => {
  it('freshness: one low step for ours (webhooks, the mix) and the baseline, JSON and SVG', async () => {
    const stdout = await bench(
      ['freshness', ...SMALL, '--rates', '20', '--step-seconds', '5', '--warmup-seconds', '2'],
      110_000,
    );
    expect(stdout).toContain('knee');
    const { file, json } = result('freshness');
    const series = json.series as { system: string; mix: string; steps: Step[] }[];
    expect(series.map((s) => `${s.system}:${s.mix}`)).toEqual([
      'ours:webhook',
      'ours:mixed',
      'baseline:webhook',
    ]);
    for (const { steps } of series) {
      expect(steps).toHaveLength(1);
      const step = steps[0] as Step;
      expect(step).toEqual(
        expect.objectContaining({
          offeredRate: expect.any(Number),
          achievedRate: expect.any(Number),
          peakLag: expect.any(Object),
          errorsByKind: expect.any(Object),
        }),
      );
      expect(step.unseen).toBe(0);
      expect(step.freshness).toEqual(
        expect.objectContaining({
          p50: expect.any(Number),
          p90: expect.any(Number),
          p99: expect.any(Number),
          max: expect.any(Number),
        }),
      );
      expect(step.processes.length).toBeGreaterThan(0);
      expect(step.processes[0]).toEqual(
        expect.objectContaining({ cpuPercent: expect.any(Number), peakRssMb: expect.any(Number) }),
      );
    }
    expect(json.knees).toEqual(expect.any(Object));
    const svg = readFileSync(file.replace(/\.json$/, '.svg'), 'utf8');
    expect(svg.trimStart()).toMatch(/^(<\?xml[^>]*>\s*)?<svg/);
  }, 120_000);

  it('ingress: closed and open loop of every door, running and stopped; the topic count', async () => {
    const stdout = await bench(
      [
        'ingress',
        '--companies',
        '60',
        '--systems',
        'ours,baseline,bare',
        '--rates',
        '20',
        '--step-seconds',
        '2',
        '--requests',
        '200',
        '--connections',
        '10',
      ],
      110_000,
    );
    const { json } = result('ingress');
    const runs = json.runs as {
      system: string;
      pipeline: string;
      mode: string;
      requestsPerSecond: number;
      failed: number;
    }[];
    const keys = runs.map((r) => `${r.system}:${r.pipeline}:${r.mode}`).sort();
    expect(keys).toEqual(
      [
        'baseline:running:closed',
        'baseline:running:open',
        'baseline:stopped:closed',
        'baseline:stopped:open',
        'bare:stopped:closed',
        'bare:stopped:open',
        'ours:running:closed',
        'ours:running:open',
        'ours:stopped:closed',
        'ours:stopped:open',
      ].sort(),
    );
    for (const r of runs) {
      expect(r.requestsPerSecond).toBeGreaterThan(0);
      expect(r.failed).toBe(0);
    }
    expect(stdout).toContain('ours/bare');
    expect(stdout).toMatch(/topic: \d+ records for \d+ accepted deliveries \(exactly once: yes\)/);
    expect(json.topic).toEqual(expect.objectContaining({ exactlyOnce: true, duplicates: 0 }));
  }, 120_000);

  it('cdc: every row on the topic and every touched company saved', async () => {
    const stdout = await bench(['cdc', '--companies', '60', '--rows', '200'], 60_000);
    expect(stdout).toContain('the baseline has no CDC');
    const runs = result('cdc').json.runs as {
      rows: number;
      cdcRecords: number;
      toLastCdcRecordMs: number;
      toAllGroupsSavedMs: number;
      groupsMissing: number;
    }[];
    expect(runs).toEqual([
      expect.objectContaining({
        rows: 200,
        cdcRecords: 200,
        toLastCdcRecordMs: expect.any(Number),
        toAllGroupsSavedMs: expect.any(Number),
        groupsMissing: 0,
      }),
    ]);
  }, 70_000);
});
