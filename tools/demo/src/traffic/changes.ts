/**
 * What a planned change is: a SQL write to the upstream `people` table (seen by the pipeline
 * through Debezium) or a provider webhook to ingress (the provider's news; it writes nothing
 * upstream, it only makes the pipeline look again).
 */
import type { PersonState, PersonUpdate } from './workforce';

export const SQL_CHANGE_KINDS = [
  'title',
  'promotion',
  'department',
  'move',
  'departure',
  'hire',
] as const;
export type SqlChangeKind = (typeof SQL_CHANGE_KINDS)[number];

export const WEBHOOK_TYPES = [
  'person.role_change',
  'person.promotion',
  'person.department_change',
  'person.company_change',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export type RowChange =
  | { readonly op: 'update'; readonly personId: string; readonly set: PersonUpdate }
  | { readonly op: 'insert'; readonly person: PersonState };

export interface FieldChange {
  readonly old: string | null;
  readonly new: string | null;
}

/** A webhook body of services/ingress/src/webhooks/events.ts, before its id and timestamp. */
export interface WebhookEventDraft {
  readonly type: WebhookType;
  readonly person: {
    readonly id: string;
    readonly name: string;
    readonly email: string | null;
    readonly oldTitle?: string | null;
    readonly newTitle?: string | null;
  };
  /** For a company change, where the person went (ingress keys the record by it). */
  readonly company: { readonly id: string; readonly name: string };
  readonly changes: Readonly<Record<string, FieldChange>>;
}

interface PlannedBase {
  readonly personId: string;
  /** Every company whose buyer group the change touches: a move touches two. */
  readonly companyIds: readonly string[];
  /** One line for a person: "Dana Kim: Staff Engineer → Engineering Manager". */
  readonly summary: string;
}

export type PlannedChange =
  | (PlannedBase & { readonly via: 'sql'; readonly kind: SqlChangeKind; readonly row: RowChange })
  | (PlannedBase & {
      readonly via: 'webhook';
      readonly kind: WebhookType;
      readonly event: WebhookEventDraft;
    });

/** "Staff Engineer → Engineering Manager", with a dash for nothing. */
export const arrow = (before: string | null, after: string | null): string =>
  `${before ?? '—'} → ${after ?? '—'}`;
