import {
  cpuTicksOf,
  groupRssKb,
  parseChildren,
  parsePidFile,
  parseProcStat,
  parseProcStatus,
} from './procfs';

// Real lines from a Postgres postmaster and a node service, trimmed of nothing.
const POSTMASTER_STAT =
  '5469 (postgres) S 5462 5462 5462 0 -1 4194560 6683 136988 0 7 2 14 738 299 20 0 1 0 19366 ' +
  '227311616 8206 18446744073709551615 94030914101248 94030919557593 140721137170288 0 0 0 0 ' +
  '24129536 84487 1 0 0 17 0 0 0 0 0 0 94030922037328 94030922255050 94031756636160 ' +
  '140721137175126 140721137175206 140721137175206 140721137176532 0\n';

const STATUS = `Name:\tpostgres
State:\tS (sleeping)
VmHWM:\t   32956 kB
VmRSS:\t   32956 kB
RssAnon:\t    2320 kB
RssFile:\t   16568 kB
RssShmem:\t   14068 kB
Threads:\t1
`;

describe('parseProcStat', () => {
  it('reads pid, parent and the CPU ticks of the process and its reaped children', () => {
    const stat = parseProcStat(POSTMASTER_STAT);
    expect(stat).toEqual({
      pid: 5469,
      comm: 'postgres',
      state: 'S',
      ppid: 5462,
      utime: 2,
      stime: 14,
      cutime: 738,
      cstime: 299,
    });
    expect(cpuTicksOf(stat!)).toBe(2 + 14 + 738 + 299);
  });

  it('reads past a command name holding spaces and parentheses', () => {
    const stat = parseProcStat('42 (my (odd) name) R 1 42 42 0 -1 0 0 0 0 0 700 300 5 6 20 0 9');
    expect(stat).toMatchObject({ pid: 42, comm: 'my (odd) name', state: 'R', ppid: 1, utime: 700 });
    expect(cpuTicksOf(stat!)).toBe(1011);
  });

  it('is undefined for text that is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('42 (short) S 1')).toBeUndefined();
  });
});

describe('parseProcStatus', () => {
  it('reads private, file-backed and shared resident memory', () => {
    expect(parseProcStatus(STATUS)).toEqual({
      rssAnonKb: 2320,
      rssFileKb: 16568,
      rssShmemKb: 14068,
    });
  });

  it('falls back on VmRSS, and gives zero for a kernel thread', () => {
    expect(parseProcStatus('VmRSS:\t 1000 kB\n')).toEqual({
      rssAnonKb: 1000,
      rssFileKb: 0,
      rssShmemKb: 0,
    });
    expect(parseProcStatus('Name:\tkthreadd\n')).toEqual({
      rssAnonKb: 0,
      rssFileKb: 0,
      rssShmemKb: 0,
    });
  });
});

describe('groupRssKb', () => {
  it('is VmRSS for one process', () => {
    expect(groupRssKb([parseProcStatus(STATUS)])).toBe(32956);
  });

  it('sums private memory and counts shared pages once', () => {
    const backend = { rssAnonKb: 2000, rssFileKb: 4000, rssShmemKb: 20_000 };
    const postmaster = { rssAnonKb: 2320, rssFileKb: 16568, rssShmemKb: 14068 };
    expect(groupRssKb([postmaster, backend, backend])).toBe(2320 + 4000 + 16568 + 20_000);
  });
});

describe('parsePidFile', () => {
  it('reads the pid on the first line', () => {
    expect(parsePidFile('5469\n')).toBe(5469);
    expect(parsePidFile('5469\n/work/data\n')).toBe(5469);
  });

  it('is undefined for anything else', () => {
    expect(parsePidFile('')).toBeUndefined();
    expect(parsePidFile('abc\n')).toBeUndefined();
    expect(parsePidFile('0\n')).toBeUndefined();
  });
});

describe('parseChildren', () => {
  it('reads the pids of a children file', () => {
    expect(parseChildren('5476 5477 5479 \n')).toEqual([5476, 5477, 5479]);
    expect(parseChildren('')).toEqual([]);
  });
});
