import { maxInFlightFor } from './traffic';

describe('maxInFlightFor', () => {
  it('allows two seconds of changes at the rate asked for', () => {
    expect(maxInFlightFor(500)).toBe(1000);
    expect(maxInFlightFor(2000)).toBe(4000);
  });

  it('never goes below 64', () => {
    expect(maxInFlightFor(20)).toBe(64);
  });
});
