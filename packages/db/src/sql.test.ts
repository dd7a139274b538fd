import { sqlBetween, sqlIn } from './sql';

describe('sqlIn', () => {
  it('quotes the column and every value', () => {
    expect(sqlIn('level', ['identify', 'deep_research'])).toBe(
      `"level" IN ('identify', 'deep_research')`,
    );
  });

  it('escapes quotes in identifiers and literals', () => {
    expect(sqlIn('we"ird', ["o'brien"])).toBe(`"we""ird" IN ('o''brien')`);
  });

  it('refuses an empty list', () => {
    expect(() => sqlIn('x', [])).toThrow(/empty/);
  });
});

describe('sqlBetween', () => {
  it('builds an inclusive range', () => {
    expect(sqlBetween('score', 0, 10)).toBe(`"score" BETWEEN 0 AND 10`);
  });

  it('refuses an inverted or non-finite range', () => {
    expect(() => sqlBetween('score', 10, 0)).toThrow(/invalid range/);
    expect(() => sqlBetween('score', 0, Number.POSITIVE_INFINITY)).toThrow(/invalid range/);
  });
});
