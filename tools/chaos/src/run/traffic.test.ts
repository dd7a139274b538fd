import { nextTitle } from './traffic';

describe('nextTitle', () => {
  it('always changes the title, so every change is significant', () => {
    for (const r of [0, 0.2, 0.5, 0.99]) {
      expect(nextTitle('Staff Engineer', () => r)).not.toBe('Staff Engineer');
    }
  });
});
