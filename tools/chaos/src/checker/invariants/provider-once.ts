/**
 * provider-once: the provider's own request log (`local_provider.requests`, kept by the local
 * provider, not by the pipeline) shows every purchase billed once.
 *
 * - At most one `billed` row per idempotency key: a retry or a redelivery reusing the key must be
 *   `replayed`, never billed again.
 * - Never two different keys billed for the same purchase. The provider's `people_digest` names
 *   the people by id only, while the enricher's key is a digest of what it sends about them
 *   (name, title, department): after a member's new title the same people are a new input, and
 *   buying it again is the design ("each paid once per input"). So two billed keys for one
 *   (operation, company, people_digest) are a violation unless the enricher's ledger
 *   (`pipeline_operations.input`, keyed by the same idempotency key) shows they sent different
 *   details; those re-purchases are counted in a note. Without the ledger rows it is a violation.
 * - Rows of a key after a `fault` or `error` row are the enricher's retries reusing the key:
 *   counted (providerRetries), not violations.
 */
import type { Queryable } from '../db';
import { groupBy } from '../records';
import type { InvariantResult, Violation } from '../types';

export interface ProviderRequestRow {
  readonly id: string;
  readonly receivedAt: number;
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly companyId: string | null;
  readonly peopleDigest: string | null;
  readonly status: number;
  readonly outcome: string;
}

export interface ProviderOnceInput {
  /** Null: the table does not exist (the local provider keeps no request log yet). */
  readonly rows: readonly ProviderRequestRow[] | null;
  /** Idempotency key → the people the enricher sent under it (canonical JSON), when known. */
  readonly sentPeople: ReadonlyMap<string, string>;
}

export interface ProviderOnceResult {
  readonly result: InvariantResult;
  readonly providerRetries: number;
}

const NAME = 'provider-once' as const;

const byArrival = (a: ProviderRequestRow, b: ProviderRequestRow): number =>
  a.receivedAt - b.receivedAt || (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

/** Rows of one key after its first fault or error: the same call tried again. */
export function retriesOf(rows: readonly ProviderRequestRow[]): number {
  const ordered = [...rows].sort(byArrival);
  const firstFailure = ordered.findIndex((r) => r.outcome === 'fault' || r.outcome === 'error');
  return firstFailure < 0 ? 0 : ordered.length - firstFailure - 1;
}

/** Of billed keys for the same people: the pairs whose sent details do not prove a new input. */
function samePurchaseKeys(keys: readonly string[], sent: ReadonlyMap<string, string>): string[] {
  const inputs = keys.map((key) => sent.get(key));
  if (inputs.some((input) => input === undefined)) return [...keys];
  return new Set(inputs).size === keys.length ? [] : [...keys];
}

export function evaluateProviderOnce(input: ProviderOnceInput): ProviderOnceResult {
  if (input.rows === null) {
    return {
      result: {
        name: NAME,
        checked: 0,
        violations: [],
        notes: ['local_provider.requests does not exist: the provider keeps no request log yet'],
      },
      providerRetries: 0,
    };
  }
  const violations: Violation[] = [];
  const byKey = groupBy(input.rows, (r) => r.idempotencyKey);
  let providerRetries = 0;
  for (const [key, rows] of byKey) {
    providerRetries += retriesOf(rows);
    const billed = rows.filter((r) => r.outcome === 'billed');
    if (billed.length > 1) {
      violations.push({
        invariant: NAME,
        companyId: billed[0]?.companyId ?? undefined,
        detail: `idempotency key ${key} billed ${billed.length} times (rows ${billed.map((r) => r.id).join(', ')})`,
      });
    }
  }

  const billedRows = input.rows.filter((r) => r.outcome === 'billed');
  const byPurchase = groupBy(billedRows, (r) =>
    JSON.stringify([r.operation, r.companyId, r.peopleDigest]),
  );
  let repurchases = 0;
  for (const rows of byPurchase.values()) {
    const keys = [...new Set(rows.map((r) => r.idempotencyKey))];
    if (keys.length < 2) continue;
    const suspicious = samePurchaseKeys(keys, input.sentPeople);
    if (suspicious.length === 0) {
      repurchases += keys.length - 1;
      continue;
    }
    const first = rows[0] as ProviderRequestRow;
    violations.push({
      invariant: NAME,
      companyId: first.companyId ?? undefined,
      detail: `${first.operation} of the same people (digest ${first.peopleDigest ?? 'null'}) billed under ${keys.length} keys: ${suspicious.join(', ')}`,
    });
  }
  const notes = [
    ...(repurchases > 0
      ? [`${repurchases} re-purchases of the same people after their details changed (new input)`]
      : []),
    ...(providerRetries > 0 ? [`${providerRetries} requests retried a key after a fault`] : []),
  ];
  return {
    result: {
      name: NAME,
      checked: byKey.size,
      violations,
      ...(notes.length > 0 ? { notes } : {}),
    },
    providerRetries,
  };
}

interface RequestRow {
  id: string;
  received_at: number;
  operation: string;
  idempotency_key: string;
  company_id: string | null;
  people_digest: string | null;
  status: number;
  outcome: string;
}

/**
 * The request log rows of the run's companies since it started, plus every row (also earlier)
 * of the keys those rows use: a key billed before the run and again during it is billed twice.
 */
const RUN_REQUESTS = `
  SELECT id::text, extract(epoch FROM received_at) * 1000 AS received_at, operation,
         idempotency_key, company_id, people_digest, status, outcome
    FROM local_provider.requests
   WHERE company_id = ANY($1)
     AND idempotency_key IN (
           SELECT idempotency_key FROM local_provider.requests
            WHERE company_id = ANY($1) AND received_at >= to_timestamp($2 / 1000.0))`;

export async function readProviderOnceInput(
  db: Queryable,
  companyIds: readonly string[],
  startedAt: number,
): Promise<ProviderOnceInput> {
  const [exists] = await db.query<{ present: boolean }>(
    `SELECT to_regclass('local_provider.requests') IS NOT NULL AS present`,
  );
  if (!exists?.present) return { rows: null, sentPeople: new Map() };
  const rows = await db.query<RequestRow>(RUN_REQUESTS, [companyIds, startedAt]);
  const keys = [...new Set(rows.map((r) => r.idempotency_key))];
  const sent = await db.query<{ idempotency_key: string; people: unknown }>(
    `SELECT idempotency_key, input->'people' AS people
       FROM pipeline_operations WHERE idempotency_key = ANY($1) AND input ? 'people'`,
    [keys],
  );
  return {
    rows: rows.map((r) => ({
      id: r.id,
      receivedAt: Number(r.received_at),
      operation: r.operation,
      idempotencyKey: r.idempotency_key,
      companyId: r.company_id,
      peopleDigest: r.people_digest,
      status: Number(r.status),
      outcome: r.outcome,
    })),
    // jsonb keeps one canonical key order, so equal inputs give equal text.
    sentPeople: new Map(sent.map((r) => [r.idempotency_key, JSON.stringify(r.people)])),
  };
}
