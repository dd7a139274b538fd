/**
 * The Kafka cluster stack: a second local stack, started with `up --brokers 3`, for the tests
 * that lose a broker. It lives in its own folder (.stack/cluster, sharing the main stack's
 * downloads) on its own ports, so the main stack, single-broker as every other test wants it,
 * runs on beside it untouched.
 *
 * Import this module before any other helper: it points the BGS_* variables, which ./stack
 * reads as it loads, at the cluster stack. Jest gives each test file its own process.env, so
 * the other files keep the main stack; ./stack hands that env to the launcher it runs.
 */
import path from 'node:path';

// Below Linux's ephemeral range (32768-60999 by default): a broker started after its peers
// found its port taken once, by a peer's connection to it that the kernel had given that very
// port as its source (a TCP self-connect). Ports a client may pick cannot be taken that way.
const CLUSTER_PORTS = {
  BGS_PG_PORT: 25432,
  // Broker k on 29092 + 10 (k - 1), its controller one above (deploy/local/stack).
  BGS_KAFKA_PORT: 29092,
  BGS_KAFKA_CONTROLLER_PORT: 29093,
  BGS_REGISTRY_PORT: 28081,
  BGS_REGISTRY_MGMT_PORT: 29001,
  BGS_CONNECT_PORT: 28083,
  BGS_INGRESS_PORT: 28100,
  BGS_REFRESHER_PORT: 28101,
  BGS_ENRICHER_PORT: 28102,
  BGS_SINK_PORT: 28103,
  BGS_PROVIDER_PORT: 28104,
  BGS_SCALE_PORT_BASE: 28200,
} as const;

export const CLUSTER_BROKERS = 3;

const repoRoot = path.resolve(__dirname, '..', '..');
const mainStackDir = process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack');

Object.assign(process.env, {
  ...Object.fromEntries(Object.entries(CLUSTER_PORTS).map(([name, port]) => [name, String(port)])),
  BGS_STACK_DIR: path.join(mainStackDir, 'cluster'),
  BGS_STACK_DIST: process.env.BGS_STACK_DIST ?? path.join(mainStackDir, 'dist'),
  // Every broker: the tests' own clients must reach the cluster whichever broker is down.
  BGS_TEST_KAFKA_BROKERS: Array.from(
    { length: CLUSTER_BROKERS },
    (_, k) => `127.0.0.1:${CLUSTER_PORTS.BGS_KAFKA_PORT + 10 * k}`,
  ).join(','),
});

/** The launcher's part for broker node `id`: kafka, kafka@2, kafka@3. */
export const brokerPart = (id: number): 'kafka' | `kafka@${number}` =>
  id === 1 ? 'kafka' : `kafka@${id}`;
