/**
 * Each service as a real process against the real stack: it starts, connects, serves
 * /healthz, /readyz and /metrics on its own port, and exits 0 on SIGTERM after stopping
 * its parts in order. A bad config value stops it at once with the variable named.
 */
import path from 'node:path';
import { freePort } from '../helpers/ports';
import { spawnService, type ServiceProcess } from '../helpers/service-process';
import { repoRoot, requireStack, serviceEnv } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const SERVICES = ['ingress', 'refresher', 'enricher', 'sink'] as const;

/**
 * What stops after the HTTP server: the resources its requests use (serveHttp's `uses`), so a
 * request in flight at SIGTERM finds them open. Only ingress serves requests that need any.
 */
const AFTER_HTTP_SERVER: Record<(typeof SERVICES)[number], readonly string[]> = {
  ingress: ['webhook-producer', 'postgres'],
  refresher: [],
  enricher: [],
  sink: [],
};

const stackEnv = (port: number): Record<string, string> => ({
  ...serviceEnv(port),
  WEBHOOK_SOURCES_FILE: path.join(repoRoot, 'deploy/local/webhook-sources.json'),
  LOG_LEVEL: 'info',
});

async function get(port: number, route: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.text() };
}

describe.each(SERVICES)('the %s service', (name) => {
  let running: ServiceProcess | undefined;

  beforeAll(requireStack);

  afterEach(() => {
    // Only if an assertion failed before SIGTERM: never leave a process behind.
    running?.kill();
  });

  it('serves health, readiness and metrics, and exits 0 on SIGTERM after stopping its parts', async () => {
    const port = await freePort();
    running = spawnService(name, stackEnv(port));
    const service = running;

    await waitFor(
      async () =>
        (await get(port, '/readyz').catch(() => undefined))?.status === 200 ? true : undefined,
      { timeoutMs: 30_000, description: `${name} to become ready on ${port}` },
    );
    expect((await get(port, '/healthz')).status).toBe(200);
    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    expect(metrics.body).toMatch(new RegExp(`service="${name}"`));

    service.child.kill('SIGTERM');
    const code = await waitFor(() => service.exited, {
      timeoutMs: 20_000,
      description: `${name} to exit after SIGTERM`,
    });
    expect(code).toBe(0);

    const events = service.lines.map((l) => l.event).filter(Boolean);
    expect(events).toEqual(
      expect.arrayContaining(['started', 'shutdown_started', 'shutdown_complete']),
    );
    // Readiness turns off first, the Kafka readiness probe is disconnected before exit, and the
    // HTTP server closes after the service's own parts, followed only by what its requests use.
    const stopped = service.lines.filter((l) => l.event === 'part_stopped').map((l) => l.part);
    expect(stopped[0]).toBe('readiness-gate');
    expect(stopped).toContain('kafka-admin');
    expect(stopped.slice(stopped.indexOf('ops-server'))).toEqual([
      'ops-server',
      ...AFTER_HTTP_SERVER[name],
    ]);
    expect(service.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(service.unparsed).toEqual([]);
  });

  it('refuses to start on a bad config value and names the variable', async () => {
    running = spawnService(name, { ...stackEnv(await freePort()), KAFKA_BROKERS: 'not a broker' });
    const service = running;
    const code = await waitFor(() => service.exited, {
      timeoutMs: 15_000,
      description: `${name} to exit on bad config`,
    });
    expect(code).toBe(1);
    const failure = service.lines.find((l) => l.event === 'startup_failed');
    expect(failure?.message).toContain('KAFKA_BROKERS');
  });
});
