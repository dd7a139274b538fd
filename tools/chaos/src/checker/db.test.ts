import { isUnavailable } from './db';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it('takes refused connections and server shutdowns for "not now"', () => {
    expect(isUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED'))).toBe(
      true,
    );
    expect(
      isUnavailable(withCode('terminating connection due to administrator command', '57P01')),
    ).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('takes a wrong query for an error', () => {
    expect(isUnavailable(withCode('relation "nope" does not exist', '42P01'))).toBe(false);
    expect(isUnavailable('not an error')).toBe(false);
  });
});
