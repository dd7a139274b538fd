import { stackEndpoints } from './endpoints';
import { describeFailure, errorText } from './failures';

const endpoints = stackEndpoints({});

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('describeFailure', () => {
  it('points at provisioning when a table is missing', () => {
    expect(
      describeFailure(withCode('relation "workspace_settings" does not exist', '42P01'), endpoints),
    ).toBe(
      `relation "workspace_settings" does not exist: the stack's migrations have not all run (./bgs provision)`,
    );
  });

  it('points at the stack when Postgres refuses, without the password', () => {
    const text = describeFailure(
      withCode('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED'),
      endpoints,
    );
    expect(text).toContain('./bgs up');
    expect(text).toContain('bgs_app:***@127.0.0.1:55432');
    expect(text).not.toContain('bgs_app:bgs_app');
  });

  it('points at Kafka for kafkajs errors', () => {
    const error = Object.assign(new Error('Connection timeout'), {
      name: 'KafkaJSConnectionError',
    });
    expect(describeFailure(error, endpoints)).toContain('is Kafka up at 127.0.0.1:59092?');
  });

  it('passes anything else through', () => {
    expect(describeFailure('weird', endpoints)).toBe('weird');
  });
});

describe('errorText', () => {
  it('adds the cause', () => {
    const error = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:9'),
    });
    expect(errorText(error)).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:9');
    expect(errorText(new Error('plain'))).toBe('plain');
    expect(errorText(42)).toBe('42');
  });
});
