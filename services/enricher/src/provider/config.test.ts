import { ConfigError, loadConfig, z } from '@bgs/platform';
import { providerConfigShape, providerOptionsFromConfig } from './config';

const schema = z.object(providerConfigShape);

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('providerConfigShape', () => {
  it('defaults to the local provider of the stack', () => {
    expect(providerOptionsFromConfig(loadConfig(schema, {}))).toEqual({
      baseUrl: 'http://127.0.0.1:58104',
      apiKey: 'local-provider-key',
      timeoutMs: 5_000,
      maxAttempts: 3,
      backoffBaseMs: 200,
      backoffMaxMs: 5_000,
      concurrency: 8,
      breakerThreshold: 5,
      breakerHalfOpenMs: 10_000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(schema, {
      PROVIDER_BASE_URL: 'https://provider.example.com/',
      PROVIDER_API_KEY: 'sk-live-1',
      PROVIDER_TIMEOUT_MS: '1500',
      PROVIDER_MAX_ATTEMPTS: '5',
      PROVIDER_BACKOFF_BASE_MS: '100',
      PROVIDER_BACKOFF_MAX_MS: '2000',
      PROVIDER_CONCURRENCY: '16',
      PROVIDER_BREAKER_THRESHOLD: '10',
      PROVIDER_BREAKER_HALF_OPEN_MS: '30000',
    });
    expect(providerOptionsFromConfig(config)).toEqual({
      baseUrl: 'https://provider.example.com',
      apiKey: 'sk-live-1',
      timeoutMs: 1_500,
      maxAttempts: 5,
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
      concurrency: 16,
      breakerThreshold: 10,
      breakerHalfOpenMs: 30_000,
    });
  });

  it('names every bad variable without printing the API key', () => {
    const env = {
      PROVIDER_BASE_URL: 'ftp://x',
      PROVIDER_API_KEY: 'sk-live-secret',
      PROVIDER_MAX_ATTEMPTS: '0',
      PROVIDER_CONCURRENCY: 'many',
    };
    expect(() => loadConfig(schema, env)).toThrow(ConfigError);
    const error = configErrorOf(env);
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      'PROVIDER_BASE_URL',
      'PROVIDER_CONCURRENCY',
      'PROVIDER_MAX_ATTEMPTS',
    ]);
    expect(error.message).not.toContain('sk-live-secret');
  });

  it('never lets the backoff cap fall below its base', () => {
    const config = loadConfig(schema, {
      PROVIDER_BACKOFF_BASE_MS: '500',
      PROVIDER_BACKOFF_MAX_MS: '100',
    });
    expect(providerOptionsFromConfig(config).backoffMaxMs).toBe(500);
  });
});
