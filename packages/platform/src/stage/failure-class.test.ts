import {
  DependencyUnavailableError,
  PoisonMessageError,
  classifyFailure,
  errorChain,
} from './failure-class';

const withFields = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields);

describe('classifyFailure', () => {
  it.each([
    ['a dependency named unavailable', new DependencyUnavailableError('registry', 'ECONNREFUSED')],
    [
      'a refused connection',
      withFields('connect ECONNREFUSED 127.0.0.1:55432', { code: 'ECONNREFUSED' }),
    ],
    ['Postgres shutting down', withFields('terminating connection', { code: '57P01' })],
    ['Postgres starting up', withFields('the database system is starting up', { code: '57P03' })],
    ['a Postgres connection exception', withFields('connection failure', { code: '08006' })],
    ['a lost pg connection', new Error('Connection terminated unexpectedly')],
    ['an exhausted pg pool', new Error('timeout exceeded when trying to connect')],
    [
      'a transaction whose connection died under TypeORM',
      withFields('Database connection provided by a query runner was already released', {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ],
    ['a serialization conflict', withFields('could not serialize access', { code: '40001' })],
    [
      'a broker that is not there',
      withFields('Connection error', { name: 'KafkaJSConnectionError' }),
    ],
    [
      'a retriable kafkajs error',
      withFields('busy', { name: 'KafkaJSProtocolError', retriable: true }),
    ],
    [
      'a fetch timeout',
      withFields('The operation was aborted due to timeout', { name: 'TimeoutError' }),
    ],
  ])('holds %s to be transient', (_what, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it('finds the outage behind wrappers: cause, TypeORM driverError, AggregateError', () => {
    const refused = withFields('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    expect(classifyFailure(new Error('fetch failed', { cause: refused }))).toBe('transient');
    expect(classifyFailure(withFields('QueryFailedError', { driverError: refused }))).toBe(
      'transient',
    );
    expect(classifyFailure(new AggregateError([new Error('x'), refused]))).toBe('transient');
  });

  it('holds poison to be poison, even when it wraps an outage', () => {
    const poison = new PoisonMessageError('bad bytes', {
      cause: new DependencyUnavailableError('registry', 'down'),
    });
    expect(classifyFailure(poison)).toBe('poison');
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', withFields('duplicate key value', { code: '23505' })],
    [
      'a non-retriable kafkajs error',
      withFields('too large', { name: 'KafkaJSProtocolError', retriable: false }),
    ],
    ['a registry answer', withFields('No content with ID 12345', { status: 404 })],
  ])('holds %s to be a failure that is dead-lettered after its retries', (_what, error) => {
    expect(classifyFailure(error)).toBe('failed');
  });

  it("lets the service's classifier decide first, outermost error first", () => {
    const rejected = withFields('provider answered 400', { kind: 'rejected' });
    const classify = (error: unknown) =>
      (error as { kind?: string }).kind === 'rejected' ? ('permanent' as const) : undefined;
    expect(classifyFailure(rejected, classify)).toBe('permanent');
    expect(classifyFailure(new Error('wrapped', { cause: rejected }), classify)).toBe('permanent');
    expect(classifyFailure(new Error('other'), classify)).toBe('failed');
  });
});

describe('errorChain', () => {
  it('stops at a cycle and at its limit', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(errorChain(a)).toEqual([a, b]);
    let deep: Error = new Error('0');
    for (let i = 1; i < 20; i += 1) deep = new Error(String(i), { cause: deep });
    expect(errorChain(deep, 8)).toHaveLength(8);
  });
});
