/**
 * Pure parsers of /proc/<pid>/stat and /proc/<pid>/status (proc(5)), and the stack's PID files.
 */

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** CPU time in clock ticks: user, system, and of waited-for children (Postgres reaps its backends). */
  readonly utime: number;
  readonly stime: number;
  readonly cutime: number;
  readonly cstime: number;
}

/**
 * `comm` is in parentheses and may itself hold spaces and parentheses, so the fields are read
 * after the last ')'. Field n of proc(5) (1-based) is then at index n - 3.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const pid = Number(text.slice(0, open).trim());
  const stat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
  const numbers = [stat.pid, stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime];
  return numbers.every(Number.isFinite) ? stat : undefined;
}

export const cpuTicksOf = (stat: ProcStat): number =>
  stat.utime + stat.stime + stat.cutime + stat.cstime;

export interface ProcMemory {
  /** Resident private memory (heap, stacks). */
  readonly rssAnonKb: number;
  /** Resident file-backed pages (binaries, libraries): shared between processes of one program. */
  readonly rssFileKb: number;
  /** Resident shared memory (Postgres's shared buffers): counted in every process mapping it. */
  readonly rssShmemKb: number;
}

/** Kernel threads and zombies have no Rss lines: zero. */
export function parseProcStatus(text: string): ProcMemory {
  const kb = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const anon = kb('RssAnon');
  const file = kb('RssFile');
  const shmem = kb('RssShmem');
  // Kernels before 4.5 only give VmRSS: count it all as private.
  if (anon + file + shmem === 0) return { rssAnonKb: kb('VmRSS'), rssFileKb: 0, rssShmemKb: 0 };
  return { rssAnonKb: anon, rssFileKb: file, rssShmemKb: shmem };
}

/**
 * The resident memory of a group of processes (a postmaster and its backends): the private
 * memory of each, plus the shared pages once (the largest file-backed and shared-memory set any
 * member has resident). Summing VmRSS would count Postgres's shared buffers once per backend.
 * For a single process it is exactly its VmRSS.
 */
export function groupRssKb(members: readonly ProcMemory[]): number {
  let anon = 0;
  let file = 0;
  let shmem = 0;
  for (const member of members) {
    anon += member.rssAnonKb;
    file = Math.max(file, member.rssFileKb);
    shmem = Math.max(shmem, member.rssShmemKb);
  }
  return anon + file + shmem;
}

/** A PID file of deploy/local/stack: the pid and a newline. undefined if it is not that. */
export function parsePidFile(text: string): number | undefined {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!/^\d+$/.test(line)) return undefined;
  const pid = Number(line);
  return pid > 0 ? pid : undefined;
}

/** The contents of /proc/<pid>/task/<tid>/children: pids separated by spaces. */
export function parseChildren(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}
