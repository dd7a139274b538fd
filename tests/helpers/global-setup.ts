/**
 * Jest globalSetup of the integration project. With BGS_TEST_STACK unset or `native` it does
 * nothing: the tests use the native stack `./bgs test` started (what CI runs). With
 * `containers` it starts deploy/compose/docker-compose.yml with testcontainers and exports the
 * BGS_* port variables, which the workers Jest starts afterwards inherit.
 */
import path from 'node:path';
import { parseTestStack } from './test-stack';
import type { StartedContainers } from './containers';

/** Handed from setup to teardown: both run in Jest's main process. */
export const STARTED_KEY = '__bgsStartedContainers';
export type WithStarted = typeof globalThis & { [STARTED_KEY]?: StartedContainers };

/**
 * containers.ts, and testcontainers with it, loaded only on the containers path (it takes about
 * a second). A plain require: Jest transpiles what a global hook requires, not what it import()s.
 */
export const loadContainers = (): typeof import('./containers') =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./containers') as typeof import('./containers');

export default async function globalSetup(): Promise<void> {
  if (parseTestStack(process.env.BGS_TEST_STACK) !== 'containers') return;
  const { startContainers } = loadContainers();
  const started = await startContainers(path.resolve(__dirname, '..', '..')).catch(
    (error: unknown) => {
      throw new Error(
        `BGS_TEST_STACK=containers needs a Docker engine with compose, and the compose file's ` +
          `host ports free (the native stack stopped): ${String(error)}`,
        { cause: error },
      );
    },
  );
  Object.assign(process.env, started.env);
  (globalThis as WithStarted)[STARTED_KEY] = started;
  console.log(
    `\nBGS_TEST_STACK=containers: compose stack up; ${Object.entries(started.env)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
  );
}
