import http from 'node:http';
import {
  baseServiceConfigShape,
  coreServiceConfigShape,
  loadConfig,
  z,
  type BaseServiceConfig,
  type CoreServiceConfig,
} from './config';
import type { Kafka } from './kafka/client';
import type { LifecyclePart } from './lifecycle';
import type { ServiceResource } from './resource';
import {
  launchService,
  readsKafka,
  runtimeParts,
  startServiceRuntime,
  type ServiceContext,
} from './service-runtime';
import { captureLogs } from './test-support/log-capture';

describe('launchService', () => {
  it('exits 1 with one log line naming the bad variable when the config is invalid', async () => {
    const logs = captureLogs();
    const exit = jest.fn();
    const code = await launchService(
      { name: 'ingress', configSchema: z.object(baseServiceConfigShape('ingress', 58100)) },
      {
        env: { HTTP_PORT: 'abc', KAFKA_BROKERS: '127.0.0.1:59092' },
        hooks: { exit, onSignal: () => undefined },
        logStream: logs.stream,
      },
    );

    expect(code).toBe(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(logs.entries).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'ingress',
        event: 'startup_failed',
        message: 'Invalid configuration: HTTP_PORT: expected an integer from 1 to 65535, got "abc"',
      }),
    ]);
    expect(logs.lines[0]).not.toContain('stack');
  });
});

/** Compile-time: A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('the Kafka client a service gets', () => {
  it('is a Kafka client exactly when the config reads the Kafka variables', () => {
    const withKafka: Same<ServiceContext<BaseServiceConfig>['kafka'], Kafka> = true;
    const withoutKafka: Same<ServiceContext<CoreServiceConfig>['kafka'], undefined> = true;
    expect([withKafka, withoutKafka]).toEqual([true, true]);

    expect(readsKafka(loadConfig(z.object(baseServiceConfigShape('sink', 58103)), {}))).toBe(true);
    expect(readsKafka(loadConfig(z.object(coreServiceConfigShape(58104)), {}))).toBe(false);
  });
});

describe('runtimeParts', () => {
  const part = (name: string): LifecyclePart => ({ name, stop: async () => undefined });

  it('stops readiness, the resources, Kafka, then the HTTP server, what it used, and tracing', () => {
    const parts = runtimeParts({
      tracing: part('tracing'),
      httpResources: [part('pool'), part('request-log')],
      httpServer: part('ops-server'),
      kafkaHealth: part('kafka-admin'),
      resources: [part('registry'), part('consumer')],
      readinessGate: part('readiness-gate'),
    });
    expect(parts.reverse().map((p) => p.name)).toEqual([
      'readiness-gate',
      'consumer',
      'registry',
      'kafka-admin',
      'ops-server',
      'request-log',
      'pool',
      'tracing',
    ]);
  });

  it('leaves out tracing and Kafka when the service has neither', () => {
    const parts = runtimeParts({
      httpResources: [],
      httpServer: part('ops-server'),
      resources: [part('worker')],
      readinessGate: part('readiness-gate'),
    });
    expect(parts.map((p) => p.name)).toEqual(['ops-server', 'worker', 'readiness-gate']);
  });
});

/**
 * GET without keep-alive: the server closes the connection once it has answered, so closing the
 * server does not wait for the client to drop an idle connection.
 */
function getText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

describe('startServiceRuntime', () => {
  const stopAll = async (parts: readonly LifecyclePart[]): Promise<void> => {
    for (const part of [...parts].reverse()) await part.stop();
  };

  it('starts a service without Kafka: no client, no Kafka check, its HTTP on the port', async () => {
    const logs = captureLogs();
    const schema = z.object(coreServiceConfigShape(58199));
    const config = { ...loadConfig(schema, {}), HTTP_PORT: 0 };
    let seen: ServiceContext<CoreServiceConfig> | undefined;
    const started = await startServiceRuntime(
      {
        name: 'plain',
        configSchema: schema,
        setup: (context) => {
          seen = context;
          context.serveHttp((_req, res) => res.end('hello'));
          return [];
        },
      },
      config,
      logs.logger,
    );
    const url = (path: string) => `http://127.0.0.1:${started.port}${path}`;
    try {
      expect(seen?.kafka).toBeUndefined();
      expect(seen?.httpPort).toBe(started.port);
      expect(started.parts.map((p) => p.name)).toEqual(['ops-server', 'readiness-gate']);
      expect(await (await fetch(url('/hello'))).text()).toBe('hello');
      expect((await fetch(url('/readyz'))).status).toBe(200);
      expect(logs.entries.find((e) => e.event === 'starting')).not.toHaveProperty('kafkaBrokers');
    } finally {
      await stopAll(started.parts);
    }
  });

  it('gives a Kafka service a client, and its readiness probe as a part', async () => {
    const logs = captureLogs();
    const schema = z.object(baseServiceConfigShape('sink', 58103));
    // Never connected here: nothing listens on port 1.
    const config = { ...loadConfig(schema, { KAFKA_BROKERS: '127.0.0.1:1' }), HTTP_PORT: 0 };
    let kafka: Kafka | undefined;
    const started = await startServiceRuntime(
      { name: 'sink', configSchema: schema, setup: (context) => ((kafka = context.kafka), []) },
      config,
      logs.logger,
    );
    try {
      expect(kafka).toBeDefined();
      expect(started.parts.map((p) => p.name)).toEqual([
        'ops-server',
        'kafka-admin',
        'readiness-gate',
      ]);
    } finally {
      await stopAll(started.parts);
    }
  });

  it('checks what the HTTP handler uses, and stops it only once the requests in flight are answered', async () => {
    const logs = captureLogs();
    const schema = z.object(coreServiceConfigShape(58199));
    const config = { ...loadConfig(schema, {}), HTTP_PORT: 0 };
    const events: string[] = [];
    let databaseOpen = true;
    const database: ServiceResource = {
      name: 'database',
      check: async () => {
        events.push('database checked');
      },
      stop: async () => {
        databaseOpen = false;
        events.push('database stopped');
      },
    };
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const worker: ServiceResource = {
      name: 'worker',
      stop: async () => {
        events.push('worker stopped');
        release();
      },
    };
    const started = await startServiceRuntime(
      {
        name: 'plain',
        configSchema: schema,
        setup: (context) => {
          context.serveHttp(
            async (_req, res) => {
              arrived();
              await released;
              // A turn of the event loop later: any stop run straight after the worker's is done.
              await new Promise((resolve) => setImmediate(resolve));
              res.end(JSON.stringify({ databaseOpen }));
            },
            [database],
          );
          return [worker];
        },
      },
      config,
      logs.logger,
    );
    const ready = await getText(started.port, '/readyz');
    const response = getText(started.port, '/work');
    await requestArrived;
    await stopAll(started.parts);

    expect(JSON.parse(ready)).toEqual({ status: 'ready' });
    expect(JSON.parse(await response)).toEqual({ databaseOpen: true });
    expect(events).toEqual(['database checked', 'worker stopped', 'database stopped']);
    expect(started.parts.map((p) => p.name)).toEqual([
      'database',
      'ops-server',
      'worker',
      'readiness-gate',
    ]);
  });
});
