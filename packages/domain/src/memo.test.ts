import { memoizeByText, rememberedBy } from './memo';

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

describe('rememberedBy', () => {
  it('works each key out once, a falsy answer included', () => {
    const answer = jest.fn((person: { id: string }) => person.id === 'boss');
    const remembered = rememberedBy((person: { id: string }) => person.id, answer);
    expect(remembered({ id: 'ic' })).toBe(false);
    expect(remembered({ id: 'ic' })).toBe(false);
    expect(remembered({ id: 'boss' })).toBe(true);
    expect(answer).toHaveBeenCalledTimes(2);
  });
});
