import { describeDbError, describeEndpoint, isTransientDbError, redactUrl } from './errors';

const URL_WITH_SECRET = 'postgres://bgs_app:t0p-s3cret@db.internal:6543/buyergroups';

describe('describeEndpoint', () => {
  it('extracts host, port, database and user', () => {
    expect(describeEndpoint(URL_WITH_SECRET)).toEqual({
      host: 'db.internal',
      port: 6543,
      database: 'buyergroups',
      user: 'bgs_app',
    });
  });

  it('defaults the port to 5432 and honours a host query parameter', () => {
    expect(describeEndpoint('postgresql:///db?host=/tmp')).toMatchObject({
      host: '/tmp',
      port: 5432,
      database: 'db',
    });
  });

  it('refuses other schemes and garbage without echoing the input', () => {
    expect(() => describeEndpoint('mysql://u:p@h/db')).toThrow(/postgres:\/\//);
    expect(() => describeEndpoint('not a url with p4ss')).toThrow(/not a valid URL$/);
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl(URL_WITH_SECRET)).toBe('postgres://bgs_app:***@db.internal:6543/buyergroups');
  });

  it('leaves a URL without password alone', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:55432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:55432/postgres',
    );
  });
});

describe('describeDbError', () => {
  it('names host:port for a refused connection', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6543'), {
      code: 'ECONNREFUSED',
    });
    expect(describeDbError(err, URL_WITH_SECRET)).toBe(
      'cannot reach Postgres at db.internal:6543 (ECONNREFUSED): is the server running?',
    );
  });

  it('understands the AggregateError Node raises when every address fails', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:6543'), {
      code: 'ECONNREFUSED',
    });
    const err = new AggregateError([inner]);
    expect(describeDbError(err, URL_WITH_SECRET)).toMatch(
      /^cannot reach Postgres at db.internal:6543/,
    );
  });

  it('reports a server error with its SQLSTATE and never the password', () => {
    const err = Object.assign(new Error('password authentication failed for user "bgs_app"'), {
      code: '28P01',
    });
    expect(describeDbError(err, URL_WITH_SECRET)).toBe(
      'Postgres at db.internal:6543/buyergroups: password authentication failed for user "bgs_app" (SQLSTATE 28P01)',
    );
  });

  it('scrubs the password and URL out of any message', () => {
    const err = new Error(`boom at ${URL_WITH_SECRET} using t0p-s3cret`);
    const line = describeDbError(err, URL_WITH_SECRET);
    expect(line).not.toContain('t0p-s3cret');
    expect(line).toContain('postgres://bgs_app:***@db.internal:6543/buyergroups');
  });
});

describe('isTransientDbError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01' }, true],
    [{ code: '08006' }, true],
    [new Error('timeout exceeded when trying to connect'), true],
    [{ code: '23505' }, false],
    [new Error('syntax error'), false],
    [null, false],
  ])('%j → %s', (error, expected) => {
    expect(isTransientDbError(error)).toBe(expected);
  });
});
