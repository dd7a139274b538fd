import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcSampler, stackProcesses, type ProcReader } from './sampler';

interface FakeProcess {
  ppid: number;
  ticks: number;
  anonKb: number;
  fileKb?: number;
  shmemKb?: number;
}

/** A /proc of fixtures: tests change the processes between samples. */
function fakeProc(processes: Map<number, FakeProcess>) {
  const clock = { now: 0 };
  const reader: ProcReader = {
    now: () => clock.now,
    stat: (pid) => {
      const p = processes.get(pid);
      // utime carries the ticks; stime, cutime and cstime add nothing here.
      return p && `${pid} (proc) S ${p.ppid} 0 0 0 -1 0 0 0 0 0 ${p.ticks} 0 0 0 20 0 1 0`;
    },
    status: (pid) => {
      const p = processes.get(pid);
      return (
        p &&
        `RssAnon:\t${p.anonKb} kB\nRssFile:\t${p.fileKb ?? 0} kB\nRssShmem:\t${p.shmemKb ?? 0} kB\n`
      );
    },
    children: (pid) => [...processes.entries()].filter(([, p]) => p.ppid === pid).map(([id]) => id),
  };
  return { reader, clock };
}

describe('ProcSampler', () => {
  it('averages CPU over the window, in % of one core, and keeps the peak RSS', () => {
    const processes = new Map<number, FakeProcess>([
      [10, { ppid: 1, ticks: 5000, anonKb: 51_200 }],
    ]);
    const { reader, clock } = fakeProc(processes);
    const sampler = new ProcSampler(() => [{ name: 'ingress', pid: 10 }], 1000, { reader });
    sampler.sample();
    clock.now = 1000;
    processes.set(10, { ppid: 1, ticks: 5080, anonKb: 102_400 });
    sampler.sample();
    clock.now = 2000;
    processes.set(10, { ppid: 1, ticks: 5100, anonKb: 76_800 });
    // 100 ticks of 10 ms in 2 s: half a core. Time before the first sample does not count.
    expect(sampler.stop()).toEqual([{ name: 'ingress', cpuPercent: 50, peakRssMb: 100 }]);
  });

  it('sums a process with its descendants, shared memory once', () => {
    const processes = new Map<number, FakeProcess>([
      [20, { ppid: 1, ticks: 0, anonKb: 1024, fileKb: 2048, shmemKb: 4096 }],
      [21, { ppid: 20, ticks: 0, anonKb: 1024, fileKb: 1024, shmemKb: 4096 }],
      [22, { ppid: 21, ticks: 0, anonKb: 1024, fileKb: 1024, shmemKb: 2048 }],
    ]);
    const { reader, clock } = fakeProc(processes);
    const sampler = new ProcSampler(() => [{ name: 'postgres', pid: 20 }], 1000, { reader });
    sampler.sample();
    clock.now = 1000;
    processes.set(21, { ppid: 20, ticks: 30, anonKb: 1024 });
    processes.set(22, { ppid: 21, ticks: 20, anonKb: 1024 });
    // A backend started in the window: its time is the window's.
    processes.set(23, { ppid: 20, ticks: 10, anonKb: 1024 });
    // Peak at the last sample: four private MB, the largest file (2) and shared (4) sets once.
    expect(sampler.stop()).toEqual([{ name: 'postgres', cpuPercent: 60, peakRssMb: 4 + 2 + 4 }]);
  });

  it('counts all the time of a part restarted under a new pid', () => {
    const processes = new Map<number, FakeProcess>([[30, { ppid: 1, ticks: 900, anonKb: 1024 }]]);
    const { reader, clock } = fakeProc(processes);
    let pid = 30;
    const sampler = new ProcSampler(() => [{ name: 'sink', pid }], 1000, { reader });
    sampler.sample();
    clock.now = 1000;
    processes.delete(30);
    processes.set(31, { ppid: 1, ticks: 40, anonKb: 1024 });
    pid = 31;
    expect(sampler.stop()).toEqual([{ name: 'sink', cpuPercent: 40, peakRssMb: 1 }]);
  });

  it('leaves out a target that is not running', () => {
    const { reader } = fakeProc(new Map());
    const sampler = new ProcSampler(() => [{ name: 'kafka', pid: 99 }], 1000, { reader });
    sampler.start();
    expect(sampler.stop()).toEqual([]);
  });

  it('samples the real /proc', () => {
    const sampler = new ProcSampler(() => [{ name: 'self', pid: process.pid }]);
    sampler.start();
    let spin = 0;
    for (let i = 0; i < 2e6; i++) spin += i;
    const [usage] = sampler.stop();
    expect(spin).toBeGreaterThan(0);
    expect(usage?.name).toBe('self');
    expect(usage?.peakRssMb).toBeGreaterThan(10);
    expect(usage?.cpuPercent).toBeGreaterThanOrEqual(0);
  });
});

describe('stackProcesses', () => {
  // A repository of its own around the stack dir: the check also accepts a process that names
  // the stack's parent folder (the repository), which must not be the shared temp folder.
  const stackDir = (files: Record<string, string>): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bgs-repo-')), '.stack');
    mkdirSync(join(dir, 'run'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'run', name), text);
    return dir;
  };

  it('reads the parts and pids of the PID files, in the stack order', () => {
    const dir = stackDir({
      'sink.pid': '6424\n',
      'postgres.pid': '5469\n',
      'kafka.pid': '5624\n',
      'notes.txt': 'not a pid file',
      'broken.pid': 'garbage\n',
    });
    expect(stackProcesses(dir, () => true)).toEqual([
      { name: 'postgres', pid: 5469 },
      { name: 'kafka', pid: 5624 },
      { name: 'sink', pid: 6424 },
    ]);
  });

  it('leaves out pids that are not the stack processes (stale PID files)', () => {
    const dir = stackDir({ 'ingress.pid': `${process.pid}\n`, 'sink.pid': '4000000000\n' });
    expect(stackProcesses(dir)).toEqual([]);
    expect(stackProcesses(dir, (pid) => pid === process.pid)).toEqual([
      { name: 'ingress', pid: process.pid },
    ]);
  });

  it('is empty when the stack is down', () => {
    expect(stackProcesses(join(tmpdir(), 'no-such-stack-dir'))).toEqual([]);
  });
});
