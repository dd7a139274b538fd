/** What to tell a person when the demo cannot go on: the cause and the usual remedy. */
import { redactUrlCredentials } from '@bgs/platform';
import type { StackEndpoints } from './endpoints';

const codeOf = (error: unknown): unknown =>
  error instanceof Error && 'code' in error ? error.code : undefined;

export function describeFailure(error: unknown, endpoints: StackEndpoints): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  // Postgres undefined_table: e.g. workspace_settings before its migration ran.
  if (codeOf(error) === '42P01') {
    return `${message}: the stack's migrations have not all run (./bgs provision)`;
  }
  if (codeOf(error) === 'ECONNREFUSED') {
    const database = redactUrlCredentials(endpoints.databaseUrl);
    return `${message}: is the stack up? (./bgs up; Postgres at ${database})`;
  }
  if (name.startsWith('KafkaJS')) {
    return `${message}: is Kafka up at ${endpoints.kafkaBrokers.join(',')}? (./bgs status)`;
  }
  return errorText(error);
}

/** An error in one line, with its cause: fetch's "fetch failed" says nothing without it. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
