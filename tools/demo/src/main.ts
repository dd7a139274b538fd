/**
 * `./bgs demo`: the entry point. Parses the command line, opens the stack's Postgres, runs the
 * demo and turns Ctrl-C / SIGTERM into "stop and print the summary" (a second one exits at
 * once).
 */
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { parseArgs, USAGE } from './args';
import { generateDataset } from './dataset/dataset';
import { runDemo, WEBHOOK_SOURCE } from './demo';
import { stackEndpoints } from './endpoints';
import { say, warn } from './output';
import { describeFailure, errorText } from './failures';
import { readWebhookSecret } from './webhooks/secret';

/**
 * The demo's own pool. Under load a change may wait for a connection longer than any fixed
 * timeout: with `connectionTimeoutMillis` 5 s, 15 changes of a 500/s run failed with "timeout
 * exceeded when trying to connect" while the machine was busy. 0 waits in the pool's queue
 * instead (a Postgres that is down still fails at once, with ECONNREFUSED). 16 connections keep
 * SQL writes well ahead of the pipeline; the stack's Postgres allows 200.
 */
const DEMO_POOL = { max: 16, connectionTimeoutMillis: 0 } as const;

/** dist/main.js lives in tools/demo/dist: the repository is three levels up. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    say(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    warn(`demo: ${parsed.message}`);
    return 2;
  }
  const { options } = parsed;
  const endpoints = stackEndpoints(process.env);
  const sourcesFile =
    process.env.BGS_WEBHOOK_SOURCES_FILE ?? resolve(REPO_ROOT, 'deploy/local/webhook-sources.json');

  const controller = new AbortController();
  const stop = (signalName: string) => {
    if (controller.signal.aborted) {
      warn(`demo: ${signalName} again, exiting now`);
      process.exit(130);
    }
    say(`\n${signalName}: stopping (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const pool = new Pool({
    connectionString: endpoints.databaseUrl,
    application_name: 'bgs-demo',
    ...DEMO_POOL,
  });
  pool.on('error', (error) => warn(`! idle Postgres connection failed: ${error.message}`));
  try {
    return await runDemo({
      options,
      dataset: generateDataset({ companies: options.companies, seed: options.seed }),
      endpoints,
      pool,
      webhookSecret: options.traffic ? readWebhookSecret(sourcesFile, WEBHOOK_SOURCE) : '',
      signal: controller.signal,
    });
  } catch (error) {
    warn(`demo: ${describeFailure(error, endpoints)}`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    warn(`demo: ${errorText(error)}`);
    process.exit(1);
  },
);
