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

  it('masks e-mail addresses, phone numbers and URL credentials in the message and nested strings', () => {
    const { logger, entries } = captureLogs();
    logger.warn('bounce for jane.doe@example.com', {
      person: { emails: ['x@acme.co.uk', 'no email here'], phone: '+1 415 555 0142' },
      contacts: [{ reply: '{"email":"ada@harborbank.io","phone":"(415) 555-0100"}' }],
      dsn: 'postgres://bgs_app:hunter2@db.example.com:5432/buyergroups',
    });
    expect(entries[0]).toMatchObject({
      message: 'bounce for [email]',
      person: { emails: ['[email]', 'no email here'], phone: '[phone]' },
      contacts: [{ reply: '{"email":"[email]","phone":"[phone]"}' }],
      dsn: 'postgres://bgs_app:***@db.example.com:5432/buyergroups',
    });
  });

  it('leaves ids, offsets, timestamps, UUIDs, durations and ports as they are', () => {
    const { logger, lines, entries } = captureLogs();
    const meta = {
      companyId: 'co-00042',
      personId: 'p-00042-061',
      position: '3:41',
      offset: '1234567890',
      failedAt: 1767225600000,
      at: '2026-01-01T00:00:00.000Z',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      requestId: '123e4567-e89b-12d3-a456-426614174000',
      durationMs: 1500,
      listen: '127.0.0.1:58100',
    };
    logger.info('batch committed in 827 ms at offset 1234567890', meta);
    expect(entries[0]).toMatchObject({
      message: 'batch committed in 827 ms at offset 1234567890',
      ...meta,
    });
    expect(lines[0]).not.toContain('[phone]');
    expect(lines[0]).not.toContain('[email]');
  });

  it('masks personal data in errors: message, stack and cause, however they are logged', () => {
    const { logger, lines, entries } = captureLogs();
    const cause = new Error('reply for +1 415 555 0142 was malformed');
    const error = new Error('no contact for ada@harborbank.io', { cause });
    logger.error(error);
    logger.error('enrich failed', { error });
    logger.error('enrich failed', error);
    logger.error('all attempts failed', {
      error: new AggregateError([new Error('first: bob@example.com')], 'every provider failed'),
    });

    for (const line of lines) {
      expect(line).not.toContain('ada@harborbank.io');
      expect(line).not.toContain('415 555 0142');
      expect(line).not.toContain('bob@example.com');
    }
    expect(entries[0]).toMatchObject({ message: 'no contact for [email]' });
    expect(String(entries[0]?.stack)).toContain('Error: no contact for [email]');
    expect(entries[1]?.error).toMatchObject({
      message: 'no contact for [email]',
      cause: { message: 'reply for [phone] was malformed' },
    });
    expect(String((entries[1]?.error as { stack?: unknown }).stack)).toContain(
      'no contact for [email]',
    );
    expect(entries[3]?.error).toMatchObject({ errors: [{ message: 'first: [email]' }] });
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
      message: 'connect to [email] failed',
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
    ['j.doe+tag@example.com', '[email]'],
    ['write to A@B.IO or c@d.org', 'write to [email] or [email]'],
    ['text +44 20 7946 0958', 'text [phone]'],
    ['amqp://user:p@ss@host/vhost', 'amqp://user:***@host/vhost'],
    // the password goes first, so no part of it is left beside an [email]
    ['postgres://app:s3cret@db.example.com/x', 'postgres://app:***@db.example.com/x'],
    ['nothing to see', 'nothing to see'],
  ])('%s -> %s', (input, expected) => {
    expect(maskString(input)).toBe(expected);
  });
});
