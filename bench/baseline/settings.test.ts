import { ConfigError } from '@bgs/platform';
import { loadServerSettings, loadWorkerSettings, workerPoolSize } from './settings';

describe('settings', () => {
  it('defaults to the private ports, no company limit and concurrency 50', () => {
    const server = loadServerSettings({ BASELINE_WEBHOOK_SECRET: 's' });
    expect(server.BASELINE_HTTP_PORT).toBe(58200);
    expect(server.BGS_BENCH_REDIS_PORT).toBe(56379);
    expect(server.BASELINE_COMPANY_LIMIT_MS).toBe(0);
    expect(loadWorkerSettings({}).BASELINE_WORKER_CONCURRENCY).toBe(50);
  });

  it('gives the worker one connection per concurrent job unless told otherwise', () => {
    expect(workerPoolSize(loadWorkerSettings({ BASELINE_WORKER_CONCURRENCY: '30' }))).toBe(30);
    expect(workerPoolSize(loadWorkerSettings({ BASELINE_PG_POOL_MAX: '8' }))).toBe(8);
  });

  it('needs the webhook secret, and never shows it when another variable is bad', () => {
    expect(() => loadServerSettings({})).toThrow(ConfigError);
    let message = '';
    try {
      loadServerSettings({ BASELINE_WEBHOOK_SECRET: 'hunter2', BASELINE_COMPANY_LIMIT_MS: '-1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/BASELINE_COMPANY_LIMIT_MS/);
    expect(message).not.toMatch(/hunter2/);
  });
});
