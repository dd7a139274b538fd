import { Counter, Registry } from 'prom-client';
import { startOpsServer, type OpsServer, type ReadinessCheck } from './ops-server';
import { captureLogs } from './test-support/log-capture';

describe('startOpsServer', () => {
  let server: OpsServer | undefined;
  let ready: ReadinessCheck;
  const logs = captureLogs('ops-test');
  const registry = new Registry();
  new Counter({ name: 'test_events_total', help: 'events', registers: [registry] }).inc(3);

  const url = (path: string): string => `http://127.0.0.1:${server?.port}${path}`;

  beforeEach(async () => {
    ready = () => true;
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      isReady: () => ready(),
      logger: logs.logger,
      readinessTimeoutMs: 100,
    });
  });

  afterEach(async () => {
    await server?.close();
  });

  it('listens on the port the OS picked', () => {
    expect(server?.port).toBeGreaterThan(0);
  });

  it('GET /healthz is 200 {"status":"ok"}', async () => {
    const response = await fetch(url('/healthz'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz follows the readiness check', async () => {
    const okResponse = await fetch(url('/readyz'));
    expect(okResponse.status).toBe(200);
    expect(await okResponse.json()).toEqual({ status: 'ready' });

    ready = async () => false;
    const notReady = await fetch(url('/readyz?probe=k8s'));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not_ready' });
  });

  it('answers 503, not a crash, when the readiness check throws, rejects or hangs', async () => {
    ready = () => {
      throw new Error('boom');
    };
    expect((await fetch(url('/readyz'))).status).toBe(503);

    ready = () => Promise.reject(new Error('kafka down'));
    expect((await fetch(url('/readyz'))).status).toBe(503);

    ready = () => new Promise<boolean>(() => undefined);
    expect((await fetch(url('/readyz'))).status).toBe(503);

    expect((await fetch(url('/healthz'))).status).toBe(200);
    expect(logs.entries.some((e) => e.message === 'readiness check failed')).toBe(true);
  });

  it('GET /metrics serves the registry in the Prometheus text format', async () => {
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('test_events_total 3');
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(url('/nope'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found', path: '/nope' });
  });

  it('answers other methods with 405 and the allowed ones', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(url('/healthz'), { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(await response.json()).toEqual({ error: 'method_not_allowed' });
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await fetch(url('/readyz'), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('stops accepting connections once closed', async () => {
    await fetch(url('/healthz'));
    await server?.close();
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });
});

describe('startOpsServer with a fallback handler', () => {
  it('hands other paths to the fallback but keeps its own routes', async () => {
    const logs = captureLogs();
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      isReady: () => true,
      logger: logs.logger,
      fallback: (_req, res) => {
        res.writeHead(202).end('api');
      },
    });
    try {
      const api = await fetch(`http://127.0.0.1:${server.port}/v1/webhooks`, { method: 'POST' });
      expect(api.status).toBe(202);
      expect(await api.text()).toBe('api');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('GET /metrics answers what renderMetrics renders, in the registry content type', async () => {
    const logs = captureLogs();
    const registry = new Registry();
    let render = async (): Promise<string> => 'all_workers_total 7\n';
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      isReady: () => true,
      logger: logs.logger,
      renderMetrics: () => render(),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(registry.contentType);
      expect(await response.text()).toBe('all_workers_total 7\n');

      render = () => Promise.reject(new Error('a worker did not answer'));
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(500);
      await logs.waitFor((e) => e.message === 'ops endpoint failed');
    } finally {
      await server.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const logs = captureLogs();
    const options = {
      host: '127.0.0.1',
      registry: new Registry(),
      isReady: () => true,
      logger: logs.logger,
    };
    const first = await startOpsServer({ ...options, port: 0 });
    try {
      await expect(startOpsServer({ ...options, port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});
