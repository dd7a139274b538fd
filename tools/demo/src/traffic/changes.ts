/**
 * What a planned change is: a SQL write to the upstream `people` table (seen by the pipeline
 * through Debezium) or a provider webhook to ingress (the provider's news; it writes nothing
 * upstream, it only makes the pipeline look again); and what one is planned from, the context
 * that plan.ts and its SQL and webhook planners share.
 */
import type { Random } from '../random';
import type { PersonState, RowChange, Workforce } from './workforce';

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

/** What the next change is planned against. */
export interface PlanContext {
  readonly random: Random;
  readonly workforce: Workforce;
  /** False for people with a write in flight or whose row we no longer trust. */
  readonly isAvailable: (personId: string) => boolean;
  /** How likely a person is to be picked, relative to others; everyone alike by default. */
  readonly weightOf?: (person: PersonState) => number;
}

/** "Staff Engineer → Engineering Manager", with a dash for nothing. */
export const arrow = (before: string | null, after: string | null): string =>
  `${before ?? '—'} → ${after ?? '—'}`;
