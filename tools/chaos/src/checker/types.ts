/**
 * What the chaos runner hands the checker, and what the checker answers. The checker proves the
 * pipeline's guarantees from the outside: it reads Postgres and Kafka itself and shares no code
 * with the services beyond the Avro schemas and the pure `@bgs/domain` package.
 */

export const INVARIANT_NAMES = [
  'no-loss',
  'one-refresh-log',
  'provider-once',
  'no-duplicate-members',
  'generation-monotonic',
  'convergence',
  'no-valid-dead-letters',
] as const;

export type InvariantName = (typeof INVARIANT_NAMES)[number];

export interface MadeChange {
  /** Unique per change. */
  readonly id: string;
  readonly kind: 'webhook' | 'sql';
  readonly personId: string;
  /** Every company it touches (a move touches two). */
  readonly companyIds: readonly string[];
  /** Epoch ms: ingress answered 2xx / the SQL COMMIT returned. */
  readonly madeAt: number;
  /** Webhooks: the event id (origin `webhook:<source>:<id>`). */
  readonly eventId?: string;
  /** Webhooks: the ingress source name, e.g. 'legacy'. */
  readonly source?: string;
}

export interface CheckInput {
  readonly changes: readonly MadeChange[];
  /** Every company of the run's workspaces. */
  readonly companyIds: readonly string[];
  /** Epoch ms, run start. */
  readonly startedAt: number;
  /** Dead-letter topic → partition → offset at run start. */
  readonly deadLetterOffsets: Readonly<Record<string, Readonly<Record<number, string>>>>;
  readonly connections: {
    readonly databaseUrl: string;
    readonly kafkaBrokers: readonly string[];
    readonly registryUrl: string;
  };
}

export interface Violation {
  readonly invariant: InvariantName;
  readonly companyId?: string;
  readonly detail: string;
}

export interface InvariantResult {
  readonly name: InvariantName;
  readonly checked: number;
  readonly violations: readonly Violation[];
  readonly notes?: readonly string[];
}

export interface CheckReport {
  readonly invariants: readonly InvariantResult[];
  readonly providerRetries: number;
}

/** Knobs with defaults that match the local stack; the runner normally passes none. */
export interface CheckOptions {
  /** The refresher's MAX_MEMBERS (default: the domain's DEFAULT_MAX_MEMBERS, 12). */
  readonly maxMembers?: number;
  /** How long reading Kafka to the end offsets may take (default 120 s). */
  readonly kafkaTimeoutMs?: number;
  /**
   * How far the checker's clock may be behind the clocks that stamp origins (the Postgres commit
   * time of a SQL change, default 1 s). Only widens the upper end of a SQL change's window.
   */
  readonly clockToleranceMs?: number;
}
