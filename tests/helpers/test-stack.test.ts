/**
 * The containers path's configuration (BGS_TEST_STACK, the port variables), checked against the
 * compose file and the helpers' defaults without Docker: CI has no engine, so this is what keeps
 * the path correct there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  COMPOSE_DIR,
  COMPOSE_FILE,
  PORT_BINDINGS,
  PROVISION_SERVICE,
  containerName,
  parseTestStack,
  stackEnv,
  type PortVariable,
} from './test-stack';

const repoRoot = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

interface ComposeService {
  ports?: string[];
  healthcheck?: unknown;
  restart?: string;
  command?: string[];
}
const compose = parse(read(path.join(COMPOSE_DIR, COMPOSE_FILE)), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const bindings = Object.entries(PORT_BINDINGS) as [
  PortVariable,
  (typeof PORT_BINDINGS)[PortVariable],
][];

describe('parseTestStack', () => {
  it.each([undefined, '', '  ', 'native'])('%p is the native stack', (value) => {
    expect(parseTestStack(value)).toBe('native');
  });

  it('containers is the compose stack', () => {
    expect(parseTestStack('containers')).toBe('containers');
    expect(parseTestStack(' containers\n')).toBe('containers');
  });

  it.each(['docker', 'Containers', 'compose', 'true'])('refuses %p, naming the values', (v) => {
    expect(() => parseTestStack(v)).toThrow(
      `BGS_TEST_STACK="${v}" is not a test stack: use \`native\` or \`containers\``,
    );
  });
});

describe('the port variables', () => {
  it('cover every variable the helpers read, with the same defaults', () => {
    const helpers = ['tests/helpers/stack.ts', 'tests/helpers/pipeline.ts'].map(read).join('\n');
    const read_ = new Map<string, number>();
    for (const m of helpers.matchAll(/env\('(BGS_[A-Z_]+_PORT)', (\d+)\)/g)) {
      read_.set(m[1] as string, Number(m[2]));
    }
    const ours = new Map(bindings.map(([name, b]) => [name as string, b.nativePort]));
    expect(new Map([...read_].sort())).toEqual(new Map([...ours].sort()));
  });

  it('are the compose file published ports, bound to 127.0.0.1', () => {
    for (const [, { service, containerPort, nativePort }] of bindings) {
      expect(compose.services[service]?.ports).toContain(
        `127.0.0.1:${nativePort}:${containerPort}`,
      );
    }
  });

  it('include every port the compose file publishes', () => {
    const published = Object.entries(compose.services).flatMap(([service, s]) =>
      (s.ports ?? []).map((p) => `${service}:${p.split(':').at(-1)}`),
    );
    const mapped = bindings.map(([, b]) => `${b.service}:${b.containerPort}`);
    expect(published.sort()).toEqual(mapped.sort());
  });
});

describe('what testcontainers waits for', () => {
  it('every long-running compose service has a healthcheck (the wait strategy is forHealthCheck)', () => {
    const unchecked = Object.entries(compose.services)
      .filter(([name, s]) => name !== PROVISION_SERVICE && s.healthcheck === undefined)
      .map(([name]) => name);
    expect(unchecked).toEqual([]);
  });

  it('provision is the one-shot provisioning the services wait for', () => {
    const provision = compose.services[PROVISION_SERVICE];
    expect(provision?.restart).toBe('no');
    expect(provision?.command).toEqual([
      'node',
      'packages/provisioning/dist/cli/provision.js',
      'all',
    ]);
    expect(provision?.healthcheck).toBeUndefined();
  });

  it('names containers as compose does, one of each service', () => {
    expect(containerName('local-provider')).toBe('local-provider-1');
  });
});

describe('stackEnv', () => {
  it('maps each service port to its variable', () => {
    const asked: string[] = [];
    const env = stackEnv((service, port) => {
      asked.push(`${service}:${port}`);
      return service === 'kafka' ? 59092 : 40000 + (port % 1000);
    });
    expect(env).toEqual({
      BGS_PG_PORT: '40432',
      BGS_KAFKA_PORT: '59092',
      BGS_REGISTRY_PORT: '40080',
      BGS_CONNECT_PORT: '40083',
      BGS_INGRESS_PORT: '40100',
      BGS_REFRESHER_PORT: '40101',
      BGS_ENRICHER_PORT: '40102',
      BGS_SINK_PORT: '40103',
      BGS_PROVIDER_PORT: '40104',
    });
    expect(asked).toHaveLength(bindings.length);
  });

  it('with the compose file as it is, gives the native defaults', () => {
    const env = stackEnv((service, port) => {
      const entry = compose.services[service]?.ports?.find((p) => p.endsWith(`:${port}`));
      return Number(entry?.split(':')[1]);
    });
    expect(env).toEqual(
      Object.fromEntries(bindings.map(([name, b]) => [name, String(b.nativePort)])),
    );
  });

  it('refuses Kafka anywhere but its advertised port', () => {
    expect(() => stackEnv((service, port) => (service === 'kafka' ? 32768 : port))).toThrow(
      'kafka is published on 32768, but it advertises 127.0.0.1:59092',
    );
  });

  it('refuses a port that is not one', () => {
    expect(() => stackEnv((service, port) => (service === 'sink' ? Number.NaN : port))).toThrow(
      'sink:58103 is mapped to NaN',
    );
  });
});
