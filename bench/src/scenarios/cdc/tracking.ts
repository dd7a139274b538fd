/**
 * What the cdc scenario watches for, kept pure: the records of one Postgres transaction on the
 * CDC topic (Debezium's `source.txId`), and each touched company's first group saved with a
 * people change committed at or after the transaction.
 */
import type { BuyerGroupStateRecord } from '@bgs/demo';

/** Appended, or removed when there: each run changes the titles again, and always significantly. */
export const TITLE_SUFFIX = ' (bench)';

export const TOGGLE_TITLES_SQL =
  `UPDATE people SET job_title = CASE WHEN job_title LIKE '%' || $2 ` +
  `THEN left(job_title, -length($2)) ELSE coalesce(job_title, 'Staff') || $2 END, ` +
  `updated_at = now() WHERE id = ANY($1::text[])`;

/** The transaction id of a Debezium Postgres change event (JsonConverter, no schemas). */
export function txIdOf(value: Buffer | null): string | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as {
      source?: { txId?: unknown };
      payload?: { source?: { txId?: unknown } };
    };
    const txId = parsed.source?.txId ?? parsed.payload?.source?.txId;
    return typeof txId === 'number' || typeof txId === 'string' ? String(txId) : undefined;
  } catch {
    return undefined;
  }
}

/** A cdc origin committed at or after `sinceMs` (the clocks are the same machine's). */
const hasPeopleChangeSince = (record: BuyerGroupStateRecord, sinceMs: number): boolean =>
  record.origins.some((o) => o.ref.startsWith('cdc:people:') && o.occurredAt >= sinceMs);

export class GroupSaves {
  private companies: ReadonlySet<string> = new Set();
  private sinceMs = Number.POSITIVE_INFINITY;
  private readonly firstSaved = new Map<string, number>();

  /** Starts a new wait: these companies, changes committed from `sinceMs`. */
  expect(companies: ReadonlySet<string>, sinceMs: number): void {
    this.companies = companies;
    this.sinceMs = sinceMs;
    this.firstSaved.clear();
  }

  observe(record: BuyerGroupStateRecord): void {
    if (!this.companies.has(record.companyId) || this.firstSaved.has(record.companyId)) return;
    if (record.savedAt >= this.sinceMs && hasPeopleChangeSince(record, this.sinceMs)) {
      this.firstSaved.set(record.companyId, record.savedAt);
    }
  }

  get saved(): number {
    return this.firstSaved.size;
  }

  get missing(): number {
    return this.companies.size - this.firstSaved.size;
  }

  /** The save that completed the set, once every company has one. */
  lastSavedAt(): number | undefined {
    if (this.missing > 0) return undefined;
    return Math.max(...this.firstSaved.values());
  }
}
