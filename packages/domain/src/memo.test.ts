import { memoizeByText } from './memo';

describe('memoizeByText', () => {
  it('reads each text once and answers repeats from memory, null included', () => {
    const read = jest.fn((text: string | null) => ({ length: text?.length ?? -1 }));
    const memo = memoizeByText(read);
    expect(memo('VP Sales')).toEqual({ length: 8 });
    expect(memo('VP Sales')).toBe(memo('VP Sales'));
    expect(memo(null)).toEqual({ length: -1 });
    memo(null);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('stays within its bound by starting again, and still answers correctly', () => {
    const read = jest.fn((text: string | null) => text?.toUpperCase());
    const memo = memoizeByText(read, 2);
    memo('a');
    memo('b');
    memo('c'); // full: forgets a and b
    expect(memo('a')).toBe('A');
    expect(read).toHaveBeenCalledTimes(4);
  });
});
