import { constantTimeEqual } from './constant-time';

describe('constantTimeEqual', () => {
  it('compares equal-length buffers by content', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });

  it('answers false for different lengths instead of throwing', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(32), Buffer.alloc(0))).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.alloc(32))).toBe(false);
  });
});
