/**
 * Which stack the integration tests talk to, and the pure half of the containers path: what
 * `BGS_TEST_STACK` means, and how the compose services' ports become the BGS_* variables that
 * tests/helpers/stack.ts and pipeline.ts read. The I/O half (testcontainers) is containers.ts.
 *
 *   BGS_TEST_STACK unset, empty or `native`: the native stack that `./bgs test` starts (CI).
 *   BGS_TEST_STACK=containers: deploy/compose/docker-compose.yml, started by testcontainers.
 */

export const TEST_STACKS = ['native', 'containers'] as const;
export type TestStack = (typeof TEST_STACKS)[number];

/** `BGS_TEST_STACK`'s value as a stack; anything else is refused with what it may be. */
export function parseTestStack(value: string | undefined): TestStack {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') return 'native';
  if ((TEST_STACKS as readonly string[]).includes(trimmed)) return trimmed as TestStack;
  throw new Error(
    `BGS_TEST_STACK=${JSON.stringify(value)} is not a test stack: use ` +
      `${TEST_STACKS.map((s) => `\`${s}\``).join(' or ')} (unset means \`native\`).`,
  );
}

/** The compose file the containers path starts, from the repository root. */
export const COMPOSE_DIR = 'deploy/compose';
export const COMPOSE_FILE = 'docker-compose.yml';

/** One BGS_* port variable: the compose service and container port it maps, and its default. */
export interface PortBinding {
  readonly service: string;
  readonly containerPort: number;
  /** The native stack's port, which is also the compose file's published host port. */
  readonly nativePort: number;
}

/**
 * Every port variable the test helpers read. Kafka's container port is its EXTERNAL listener,
 * advertised as 127.0.0.1:59092: clients on the host only work when it is published there.
 */
export const PORT_BINDINGS = {
  BGS_PG_PORT: { service: 'postgres', containerPort: 5432, nativePort: 55432 },
  BGS_KAFKA_PORT: { service: 'kafka', containerPort: 59092, nativePort: 59092 },
  BGS_REGISTRY_PORT: { service: 'registry', containerPort: 8080, nativePort: 58081 },
  BGS_CONNECT_PORT: { service: 'connect', containerPort: 8083, nativePort: 58083 },
  BGS_INGRESS_PORT: { service: 'ingress', containerPort: 58100, nativePort: 58100 },
  BGS_REFRESHER_PORT: { service: 'refresher', containerPort: 58101, nativePort: 58101 },
  BGS_ENRICHER_PORT: { service: 'enricher', containerPort: 58102, nativePort: 58102 },
  BGS_SINK_PORT: { service: 'sink', containerPort: 58103, nativePort: 58103 },
  BGS_PROVIDER_PORT: { service: 'local-provider', containerPort: 58104, nativePort: 58104 },
} as const satisfies Record<string, PortBinding>;
export type PortVariable = keyof typeof PORT_BINDINGS;

/** The compose service that provisions (topics, migrations, schemas, connector) and exits. */
export const PROVISION_SERVICE = 'provision';

/**
 * The name testcontainers gives a compose service's container once the project prefix is
 * stripped: compose's `<service>-<index>`, and the stack runs one of each.
 */
export const containerName = (service: string): string => `${service}-1`;

/** Where a compose service's container port is published on the host. */
export type MappedPort = (service: string, containerPort: number) => number;

/**
 * The BGS_* variables that point the helpers at the containers. Kafka must come out on its
 * advertised port, or every client would be sent from the bootstrap to an address that does
 * not answer.
 */
export function stackEnv(mappedPort: MappedPort): Record<PortVariable, string> {
  const env = {} as Record<PortVariable, string>;
  for (const [name, binding] of Object.entries(PORT_BINDINGS) as [PortVariable, PortBinding][]) {
    const port = mappedPort(binding.service, binding.containerPort);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`${binding.service}:${binding.containerPort} is mapped to ${port}`);
    }
    env[name] = String(port);
  }
  const kafka = PORT_BINDINGS.BGS_KAFKA_PORT;
  if (env.BGS_KAFKA_PORT !== String(kafka.nativePort)) {
    throw new Error(
      `kafka is published on ${env.BGS_KAFKA_PORT}, but it advertises 127.0.0.1:${kafka.nativePort}`,
    );
  }
  return env;
}
