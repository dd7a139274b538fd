/**
 * The I/O half of BGS_TEST_STACK=containers: deploy/compose/docker-compose.yml brought up by
 * testcontainers, with its own images (the application image built from the root Dockerfile)
 * and its own `provision` container, then taken down with its volumes. Loaded only on that path,
 * so the native path never loads testcontainers. Not run where there is no Docker engine (CI).
 */
import path from 'node:path';
import {
  DockerComposeEnvironment,
  Wait,
  type StartedDockerComposeEnvironment,
} from 'testcontainers';
import { COMPOSE_DIR, COMPOSE_FILE, containerName, stackEnv } from './test-stack';

/** Generous: the first run pulls the images and builds the application image. */
const STARTUP_TIMEOUT_MS = 300_000;

export interface StartedContainers {
  readonly environment: StartedDockerComposeEnvironment;
  readonly env: Record<string, string>;
}

export async function startContainers(repoRoot: string): Promise<StartedContainers> {
  // `up --build -d`: compose itself holds every service back until its dependencies are healthy
  // and `provision` has exited 0 (docker-compose.yml's depends_on), so provisioning is done when
  // this returns, and fails the start when it fails. Every long-running service has a
  // healthcheck; testcontainers then waits for each to be healthy. `provision` has exited by
  // then and is not among the running containers it waits on.
  const environment = await new DockerComposeEnvironment(
    path.join(repoRoot, COMPOSE_DIR),
    COMPOSE_FILE,
  )
    .withBuild()
    .withDefaultWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .up();
  try {
    const env = stackEnv((service, port) =>
      environment.getContainer(containerName(service)).getMappedPort(port),
    );
    return { environment, env };
  } catch (error) {
    await environment.down({ removeVolumes: true }).catch(() => undefined);
    throw error;
  }
}

export async function stopContainers(started: StartedContainers): Promise<void> {
  await started.environment.down({ removeVolumes: true });
}
