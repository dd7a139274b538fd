/** Jest globalTeardown of the integration project: takes down what globalSetup started, if any. */
import { loadContainers, STARTED_KEY, type WithStarted } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as WithStarted)[STARTED_KEY];
  if (!started) return;
  delete (globalThis as WithStarted)[STARTED_KEY];
  const { stopContainers } = loadContainers();
  await stopContainers(started);
}
