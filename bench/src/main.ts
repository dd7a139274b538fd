/**
 * `./bgs bench <scenario>`: the entry point. Parses the command line, opens the stack's clients,
 * runs the scenario and turns Ctrl-C / SIGTERM into "stop, clean up, exit" (a second one exits
 * at once). Every scenario stops what it started in its own `finally`.
 */
import { describeFailure, errorText, stackEndpoints } from '@bgs/demo';
import { parseArgs, USAGE, type BenchOptions, type Scenario } from './args';
import { say, warn } from './output';
import { runCdc } from './scenarios/cdc/cdc';
import { runFreshness } from './scenarios/freshness/freshness';
import { runIngress } from './scenarios/ingress/ingress';
import { openStack, StackDown, type BenchStack } from './systems/stack';

type ScenarioRun = (
  stack: BenchStack,
  options: BenchOptions,
  signal: AbortSignal,
) => Promise<number>;

const SCENARIO_RUNS: Readonly<Record<Scenario, ScenarioRun>> = {
  freshness: runFreshness,
  ingress: runIngress,
  cdc: runCdc,
};

function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = (name: string) => {
    if (controller.signal.aborted) {
      warn(`bench: ${name} again, exiting now (run ./bgs up if services were stopped)`);
      process.exit(130);
    }
    say(`\n${name}: stopping, putting back what the bench stopped (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return controller.signal;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    say(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    warn(`bench: ${parsed.message}`);
    return 2;
  }
  const { options } = parsed;
  const signal = abortOnSignals();
  say(`$ ./bgs bench ${argv.join(' ')}`);
  say(`node ${process.version}, ${new Date().toISOString()}`);
  let stack: BenchStack;
  try {
    stack = await openStack();
  } catch (error) {
    warn(`bench: ${error instanceof StackDown ? error.message : errorText(error)}`);
    return 1;
  }
  try {
    return await SCENARIO_RUNS[options.scenario](stack, options, signal);
  } catch (error) {
    warn(`bench: ${describeFailure(error, stackEndpoints(process.env))}`);
    if (error instanceof Error && error.stack && process.env.BGS_BENCH_DEBUG) warn(error.stack);
    return 1;
  } finally {
    await stack.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    warn(`bench: ${errorText(error)}`);
    process.exit(1);
  },
);
