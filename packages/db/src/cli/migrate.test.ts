import { createServer } from 'node:net';
import { defaultDatabaseUrl, main } from './migrate';

/** A local port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('defaultDatabaseUrl', () => {
  it('prefers DATABASE_URL', () => {
    expect(defaultDatabaseUrl({ DATABASE_URL: 'postgres://a@b/c' })).toBe('postgres://a@b/c');
  });

  it('falls back to the stack default, on BGS_PG_PORT when set', () => {
    expect(defaultDatabaseUrl({})).toBe('postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups');
    expect(defaultDatabaseUrl({ BGS_PG_PORT: '6000' })).toBe(
      'postgres://bgs_app:bgs_app@127.0.0.1:6000/buyergroups',
    );
  });
});

describe('migrate CLI', () => {
  it('fails with exit 1 and one clear line when Postgres is not there', async () => {
    const port = await closedPort();
    const { out, err, io } = capture();
    const code = await main(
      ['up'],
      { DATABASE_URL: `postgres://bgs_app:hunter2@127.0.0.1:${port}/buyergroups` },
      io,
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `migrate up failed: cannot reach Postgres at 127.0.0.1:${port} (ECONNREFUSED): is the server running?`,
    ]);
  });

  it('rejects unknown commands and arguments with the usage and exit 2', async () => {
    for (const argv of [['sideways'], ['up', 'extra'], ['down', '0'], ['down', 'x']]) {
      const { err, io } = capture();
      expect(await main(argv, { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' }, io)).toBe(2);
      expect(err[0]).toMatch(/^usage: migrate/);
    }
  });

  it('refuses a malformed DATABASE_URL without echoing it', async () => {
    const { err, io } = capture();
    expect(await main(['status'], { DATABASE_URL: 'nonsense:with:s3cret' }, io)).toBe(1);
    expect(err.join('\n')).not.toContain('s3cret');
  });
});
