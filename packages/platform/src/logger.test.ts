import { maskString, redact } from './logger';
import { captureLogs } from './test-support/log-capture';

describe('createLogger', () => {
  it('writes one JSON object per line with service, level, message and timestamp', () => {
    const { logger, lines } = captureLogs('enricher', 'info');
    logger.info('hello', { companyId: 'c-1' });
    logger.debug('hidden at info level');

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({
      service: 'enricher',
      level: 'info',
      message: 'hello',
      companyId: 'c-1',
    });
    expect(new Date(String(entry.timestamp)).toISOString()).toBe(entry.timestamp);
  });

  it('redacts sensitive keys at any depth, including inside arrays', () => {
    const { logger, lines } = captureLogs();
    logger.info('webhook received', {
      password: 'top-level-pw',
      request: {
        headers: {
          Authorization: 'Bearer abc.def',
          cookie: 'session=xyz',
          'X-Signature': 'sha256=deadbeef',
          'x-api-key': 'key-1',
        },
        body: { provider: { apiKey: 'key-2', api_key: 'key-3', clientSecret: 'cs' } },
      },
      attempts: [{ refreshToken: 'rt-1' }, { ok: true }],
    });

    const line = lines[0] ?? '';
    for (const secret of [
      'top-level-pw',
      'abc.def',
      'session=xyz',
      'deadbeef',
      'key-1',
      'key-2',
      'key-3',
      '"cs"',
      'rt-1',
    ]) {
      expect(line).not.toContain(secret);
    }
    const entry = JSON.parse(line);
    expect(entry.password).toBe('[REDACTED]');
    expect(entry.request.headers).toEqual({
      Authorization: '[REDACTED]',
      cookie: '[REDACTED]',
      'X-Signature': '[REDACTED]',
      'x-api-key': '[REDACTED]',
    });
    expect(entry.request.body.provider).toEqual({
      apiKey: '[REDACTED]',
      api_key: '[REDACTED]',
      clientSecret: '[REDACTED]',
    });
    expect(entry.attempts).toEqual([{ refreshToken: '[REDACTED]' }, { ok: true }]);
  });

  it('masks e-mail addresses and URL credentials in the message and nested strings', () => {
    const { logger, entries } = captureLogs();
    logger.warn('bounce for jane.doe@example.com', {
      person: { emails: ['x@acme.co.uk', 'no email here'] },
      dsn: 'postgres://bgs_app:hunter2@db.example.com:5432/buyergroups',
    });
    expect(entries[0]).toMatchObject({
      message: 'bounce for j***@example.com',
      person: { emails: ['x***@acme.co.uk', 'no email here'] },
      dsn: 'postgres://bgs_app:***@db.example.com:5432/buyergroups',
    });
  });

  it("does not modify the caller's objects", () => {
    const { logger } = captureLogs();
    const meta = { user: { email: 'bob@example.com', password: 'pw' } };
    logger.info('signup', meta);
    expect(meta).toEqual({ user: { email: 'bob@example.com', password: 'pw' } });
  });

  it('serialises errors, including nested ones, and survives cycles', () => {
    const { logger, entries } = captureLogs();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const error = Object.assign(new Error('connect to a@b.example.com failed'), { code: 'E1' });
    logger.error('failed', { error, cyclic });

    const entry = entries[0] as Record<string, Record<string, unknown>>;
    expect(entry.error).toMatchObject({
      name: 'Error',
      message: 'connect to a***@b.example.com failed',
      code: 'E1',
    });
    expect(String(entry.error?.stack)).toContain('logger.test.ts');
    expect(entry.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
  });
});

describe('redact', () => {
  it('leaves harmless values alone', () => {
    expect(redact({ count: 3, ok: true, none: null, tags: ['a', 'b'] })).toEqual({
      count: 3,
      ok: true,
      none: null,
      tags: ['a', 'b'],
    });
  });

  it('keeps repeated (non-cyclic) references', () => {
    const shared = { id: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
  });
});

describe('maskString', () => {
  it.each([
    ['j.doe+tag@example.com', 'j***@example.com'],
    ['write to A@B.IO or c@d.org', 'write to A***@B.IO or c***@d.org'],
    ['amqp://user:p@ss@host/vhost', 'amqp://user:***@host/vhost'],
    ['nothing to see', 'nothing to see'],
  ])('%s -> %s', (input, expected) => {
    expect(maskString(input)).toBe(expected);
  });
});
