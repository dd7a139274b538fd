/**
 * node packages/provisioning/dist/cli/provision.js [all|topics|migrations|schemas|connector ...]
 * Reads its targets from the environment (see src/config.ts) and prints each thing it did.
 */
import { ConfigError, loadConfig } from '@bgs/platform';
import { provisionConfigSchema } from '../config';
import { isWarning } from '../progress';
import { provision, STEPS, type Step } from '../provision';

async function main(args: string[]): Promise<void> {
  const asked = args.length === 0 || args.includes('all') ? [...STEPS] : args;
  const unknown = asked.filter((a) => !(STEPS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    throw new Error(`unknown step ${unknown.join(', ')}; steps are: all, ${STEPS.join(', ')}`);
  }
  const config = loadConfig(provisionConfigSchema);
  const started = Date.now();
  await provision(config, asked as Step[], (line) =>
    console.log(`  ${isWarning(line) ? '!' : '✓'} ${line}`),
  );
  console.log(
    `  provisioned ${asked.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`✗ provisioning failed: ${message}`);
  process.exit(1);
});
