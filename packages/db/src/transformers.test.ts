import { bigintToNumber, numericToNumber, parseDecimal, parseSafeInteger } from './transformers';

describe('bigintToNumber', () => {
  it('reads the strings node-postgres returns for bigint as numbers', () => {
    expect(bigintToNumber.from('42')).toBe(42);
    expect(bigintToNumber.from(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps null (and undefined) as they are', () => {
    expect(bigintToNumber.from(null)).toBeNull();
    expect(bigintToNumber.from(undefined)).toBeUndefined();
  });

  it('refuses a value a JavaScript number cannot hold exactly', () => {
    expect(() => bigintToNumber.from('9007199254740993')).toThrow(RangeError);
    expect(() => parseSafeInteger('1.5')).toThrow(RangeError);
    expect(() => parseSafeInteger('abc')).toThrow(RangeError);
  });

  it('passes values to the driver unchanged', () => {
    expect(bigintToNumber.to(7)).toBe(7);
    expect(bigintToNumber.to(null)).toBeNull();
  });
});

describe('numericToNumber', () => {
  it('reads numeric strings as numbers', () => {
    expect(numericToNumber.from('7.25')).toBe(7.25);
    expect(numericToNumber.from('0.0000')).toBe(0);
    expect(numericToNumber.from(null)).toBeNull();
  });

  it('refuses NaN and infinities', () => {
    expect(() => parseDecimal('NaN')).toThrow(RangeError);
    expect(() => parseDecimal('Infinity')).toThrow(RangeError);
  });
});
