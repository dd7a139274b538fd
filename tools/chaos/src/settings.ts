/**
 * Where the chaos run finds the stack, from the environment as the stack launcher sets it.
 * Pure: main.ts passes process.env and the repository root.
 */
import path from 'node:path';
import { stackEndpoints, type StackEndpoints } from '@bgs/demo';
import { SERVICE_PORTS } from './run/pipeline-state';

/** The traffic's and the probes' webhooks come in as the demo's source. */
export const WEBHOOK_SOURCE = 'demo';

export interface ChaosSettings {
  readonly endpoints: StackEndpoints;
  /** The local stack's data and pid files, where the faults stop and start its processes. */
  readonly stackDir: string;
  readonly providerUrl: string;
  /** Each service's health port: every one must be ready again before a fault has recovered. */
  readonly servicePorts: Readonly<Record<string, number>>;
  readonly webhookSourcesFile: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const servicePorts = (env: Env): Record<string, number> =>
  Object.fromEntries(
    Object.entries(SERVICE_PORTS).map(([name, port]) => [
      name,
      Number(env[`BGS_${name.toUpperCase()}_PORT`] ?? port),
    ]),
  );

export function chaosSettings(env: Env, repoRoot: string): ChaosSettings {
  return {
    endpoints: stackEndpoints(env),
    stackDir: env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack'),
    providerUrl: `http://127.0.0.1:${env.BGS_PROVIDER_PORT ?? 58104}`,
    servicePorts: servicePorts(env),
    webhookSourcesFile: path.join(repoRoot, 'deploy/local/webhook-sources.json'),
  };
}
