import { formatMs, formatRate, formatRatio, formatTable } from './table';

describe('formatTable', () => {
  it('aligns labels left and figures right under a rule', () => {
    const table = formatTable(
      ['measure', 'ours', 'baseline', 'ratio'],
      [
        ['p50', '7.9 ms', '490 ms', '0.02×'],
        ['achieved rate', '1,980/s', '713/s', '2.78×'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'measure           ours  baseline  ratio',
      '─────────────  ───────  ────────  ─────',
      'p50             7.9 ms    490 ms  0.02×',
      'achieved rate  1,980/s     713/s  2.78×',
    ]);
  });

  it('pads short rows and counts a multi-byte character as one column', () => {
    expect(formatTable(['a', 'b'], [['–'], ['xx', 'yyy']]).split('\n')).toEqual([
      'a     b',
      '──  ───',
      '–',
      'xx  yyy',
    ]);
  });
});

describe('formatRatio', () => {
  it('divides ours by the baseline', () => {
    expect(formatRatio(21, 50)).toBe('0.42×');
    expect(formatRatio(3100, 1000)).toBe('3.10×');
    expect(formatRatio(490, 7.9)).toBe('62.0×');
    expect(formatRatio(1200, 2)).toBe('600×');
  });

  it('is a dash when either side is missing or the baseline is 0', () => {
    expect(formatRatio(undefined, 5)).toBe('–');
    expect(formatRatio(5, undefined)).toBe('–');
    expect(formatRatio(5, 0)).toBe('–');
  });
});

describe('formatMs', () => {
  it('picks a precision that suits the size', () => {
    expect(formatMs(7.94)).toBe('7.9 ms');
    expect(formatMs(148.4)).toBe('148 ms');
    expect(formatMs(1430)).toBe('1.43 s');
    expect(formatMs(15_400)).toBe('15.4 s');
    expect(formatMs(undefined)).toBe('–');
  });
});

describe('formatRate', () => {
  it('prints a rate per second with thousands separators', () => {
    expect(formatRate(1980.4)).toBe('1,980/s');
    expect(formatRate(387)).toBe('387/s');
    expect(formatRate(6.54)).toBe('6.5/s');
    expect(formatRate(0)).toBe('0/s');
  });
});
