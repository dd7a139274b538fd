/**
 * Where the local stack listens. The same environment variables as the stack launcher and the
 * services (docs/conventions.md): a moved port moves the demo with it.
 */
export interface StackEndpoints {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly ingressUrl: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value.trim() : undefined;

export function stackEndpoints(env: Env): StackEndpoints {
  const port = (variable: string, fallback: number): string =>
    set(env[variable]) ?? String(fallback);
  return {
    databaseUrl:
      set(env.DATABASE_URL) ??
      `postgres://bgs_app:bgs_app@127.0.0.1:${port('BGS_PG_PORT', 55432)}/buyergroups`,
    kafkaBrokers: (set(env.KAFKA_BROKERS) ?? `127.0.0.1:${port('BGS_KAFKA_PORT', 59092)}`)
      .split(',')
      .map((broker) => broker.trim()),
    schemaRegistryUrl:
      set(env.SCHEMA_REGISTRY_URL) ??
      `http://127.0.0.1:${port('BGS_REGISTRY_PORT', 58081)}/apis/ccompat/v7`,
    ingressUrl: (
      set(env.INGRESS_URL) ?? `http://127.0.0.1:${port('BGS_INGRESS_PORT', 58100)}`
    ).replace(/\/+$/, ''),
  };
}
