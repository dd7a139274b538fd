/**
 * CPU % and peak RSS of the stack's processes, sampled from /proc. Each target counts with all
 * its descendants (Postgres's backends are children of the postmaster, and are summed under
 * 'postgres').
 *
 * CPU: a group's CPU time is the sum over its live members of utime + stime + cutime + cstime.
 * The children's terms matter: when the postmaster reaps a backend that exited, the backend's
 * time moves into the postmaster's cutime/cstime, so the sum stays whole. The CPU % is the growth
 * of that sum between the first and last samples over the wall time between them: an average over
 * the window, in % of one core (200 % is both cores of a 2-core machine).
 *
 * Peak RSS: the largest group RSS of any sample (see groupRssKb), so within the window, not over
 * the process's life (VmHWM would include the dataset load before the bench).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTicksOf, groupRssKb, parseChildren, parseProcStat, parseProcStatus } from './procfs';
import type { ProcMemory } from './procfs';
import type { ProcessTarget } from './stack-processes';

export { stackProcesses } from './stack-processes';

export type { ProcessTarget } from './stack-processes';

export interface ProcessUsage {
  readonly name: string;
  /** Of one core, averaged over the sampling window. */
  readonly cpuPercent: number;
  readonly peakRssMb: number;
}

/** What the sampler reads; the default is /proc, tests give fixtures. */
export interface ProcReader {
  now(): number;
  stat(pid: number): string | undefined;
  status(pid: number): string | undefined;
  children(pid: number): readonly number[];
}

const readOrUndefined = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
};

export const procfsReader: ProcReader = {
  now: () => performance.now(),
  stat: (pid) => readOrUndefined(`/proc/${pid}/stat`),
  status: (pid) => readOrUndefined(`/proc/${pid}/status`),
  children: (pid) => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
        parseChildren(readOrUndefined(join(`/proc/${pid}/task`, tid, 'children')) ?? ''),
      );
    } catch {
      return [];
    }
  },
};

/** USER_HZ: 100 on every mainstream Linux architecture (sysconf(_SC_CLK_TCK)). */
export const DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSamplerOptions {
  readonly reader?: ProcReader;
  readonly clockTicksPerSecond?: number;
}

interface GroupSample {
  readonly rootPid: number;
  readonly cpuTicks: number;
  readonly rssKb: number;
}

interface GroupState {
  rootPid: number;
  lastTicks: number;
  /** CPU ticks used since the first sample. */
  usedTicks: number;
  peakRssKb: number;
}

/** One sample of a target and its descendants; undefined when the target is gone. */
export function sampleGroup(reader: ProcReader, rootPid: number): GroupSample | undefined {
  const pending = [rootPid];
  const seen = new Set<number>();
  const memories: ProcMemory[] = [];
  let cpuTicks = 0;
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const stat = parseProcStat(reader.stat(pid) ?? '');
    if (stat === undefined) {
      if (pid === rootPid) return undefined;
      continue;
    }
    cpuTicks += cpuTicksOf(stat);
    memories.push(parseProcStatus(reader.status(pid) ?? ''));
    pending.push(...reader.children(pid));
  }
  return { rootPid, cpuTicks, rssKb: groupRssKb(memories) };
}

export class ProcSampler {
  private readonly reader: ProcReader;
  private readonly ticksPerSecond: number;
  private readonly groups = new Map<string, GroupState>();
  private timer: NodeJS.Timeout | undefined;
  private firstAt: number | undefined;
  private lastAt: number | undefined;

  constructor(
    private readonly targets: () => readonly ProcessTarget[],
    private readonly intervalMs = 1000,
    options: ProcSamplerOptions = {},
  ) {
    this.reader = options.reader ?? procfsReader;
    this.ticksPerSecond = options.clockTicksPerSecond ?? DEFAULT_CLOCK_TICKS_PER_SECOND;
  }

  /** Takes a first sample now, then one every interval until stop(). */
  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample and returns each name's usage over the window, by name. */
  stop(): ProcessUsage[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const windowSeconds = ((this.lastAt ?? 0) - (this.firstAt ?? 0)) / 1000;
    return [...this.groups.entries()].map(([name, state]) => ({
      name,
      cpuPercent:
        windowSeconds > 0 ? (state.usedTicks / this.ticksPerSecond / windowSeconds) * 100 : 0,
      peakRssMb: state.peakRssKb / 1024,
    }));
  }

  /** One sample of every target (public so tests and callers can sample at chosen moments). */
  sample(): void {
    const at = this.reader.now();
    this.firstAt ??= at;
    this.lastAt = at;
    const byName = new Map<string, GroupSample>();
    for (const target of this.targets()) {
      const group = sampleGroup(this.reader, target.pid);
      if (!group) continue;
      const same = byName.get(target.name);
      byName.set(
        target.name,
        same
          ? {
              rootPid: same.rootPid,
              cpuTicks: same.cpuTicks + group.cpuTicks,
              rssKb: same.rssKb + group.rssKb,
            }
          : group,
      );
    }
    for (const [name, group] of byName) this.record(name, group);
  }

  private record(name: string, group: GroupSample): void {
    const state = this.groups.get(name);
    if (!state) {
      // The first sight of a group is its baseline: time used before it is not the window's.
      this.groups.set(name, {
        rootPid: group.rootPid,
        lastTicks: group.cpuTicks,
        usedTicks: 0,
        peakRssKb: group.rssKb,
      });
      return;
    }
    // A new root pid is a restart since the last sample: all its time falls in the window.
    state.usedTicks +=
      state.rootPid === group.rootPid
        ? Math.max(0, group.cpuTicks - state.lastTicks)
        : group.cpuTicks;
    state.rootPid = group.rootPid;
    state.lastTicks = group.cpuTicks;
    state.peakRssKb = Math.max(state.peakRssKb, group.rssKb);
  }
}
