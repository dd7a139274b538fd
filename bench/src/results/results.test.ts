import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { benchDir, resultFileName, writeResult } from './results';

const AT = new Date(Date.UTC(2026, 11, 1, 4, 30, 0, 123));

describe('resultFileName', () => {
  it('names the file by scenario and UTC second, without colons', () => {
    expect(resultFileName('freshness', AT)).toBe('freshness-2026-12-01T04-30-00Z.json');
    expect(resultFileName('cdc', AT, 1)).toBe('cdc-2026-12-01T04-30-00Z-2.json');
  });

  it('refuses a scenario name that would make a path', () => {
    expect(() => resultFileName('../x', AT)).toThrow(RangeError);
    expect(() => resultFileName('', AT)).toThrow(RangeError);
  });
});

describe('writeResult', () => {
  it('writes indented JSON and returns the path', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bgs-results-')), 'results');
    const path = writeResult('ingress', { rate: 500, p99: 12.5 }, dir, AT);
    expect(path).toBe(join(dir, 'ingress-2026-12-01T04-30-00Z.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ rate: 500, p99: 12.5 });
  });

  it('never overwrites a result written in the same second', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgs-results-'));
    const first = writeResult('cdc', { run: 1 }, dir, AT);
    const second = writeResult('cdc', { run: 2 }, dir, AT);
    expect(basename(second)).toBe('cdc-2026-12-01T04-30-00Z-2.json');
    expect(JSON.parse(readFileSync(first, 'utf8'))).toEqual({ run: 1 });
  });
});

describe('benchDir', () => {
  it('finds the bench package above this file', () => {
    expect(basename(benchDir())).toBe('bench');
  });
});
