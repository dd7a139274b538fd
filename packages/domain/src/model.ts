/**
 * The shapes the domain works on. They mirror the upstream rows (people, companies) but in
 * camelCase and with no I/O attached: adapters map rows and CDC envelopes into these.
 */
import type { BuyerGroupRole } from './roles';

export interface Person {
  readonly id: string;
  readonly companyId: string;
  readonly fullName: string;
  readonly email: string | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly seniority: string | null;
  readonly managerId: string | null;
  /** 'active' or 'left' upstream; anything else is treated as not active. */
  readonly status: string;
  /** ISO-8601, as the row had it; cosmetic for significance. */
  readonly updatedAt: string | null;
}

export interface Company {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employeeCount: number | null;
  /** 'active', 'inactive' or 'archived'. */
  readonly status: string;
  readonly updatedAt: string | null;
}

/** Where a change came from: enough to name it in a refresh log and to measure freshness. */
export type ChangeOrigin =
  | {
      readonly type: 'cdc';
      readonly table: 'people' | 'companies';
      /** The Postgres log position of the commit, as a decimal string (it exceeds 2^53). */
      readonly lsn: string;
      readonly snapshot: boolean;
    }
  | { readonly type: 'webhook'; readonly source: string; readonly eventId: string };

export type ChangeOp = 'create' | 'update' | 'delete' | 'snapshot';

export interface FieldChange {
  readonly field: string;
  readonly before: string | null;
  readonly after: string | null;
}

export type Change =
  | {
      readonly kind: 'person';
      readonly op: ChangeOp;
      readonly personId: string;
      readonly before: Person | null;
      readonly after: Person | null;
      /** Epoch ms when the change happened at its source (the commit time for CDC). */
      readonly occurredAt: number;
      readonly origin: ChangeOrigin;
    }
  | {
      readonly kind: 'company';
      readonly op: ChangeOp;
      readonly companyId: string;
      readonly before: Company | null;
      readonly after: Company | null;
      readonly occurredAt: number;
      readonly origin: ChangeOrigin;
    }
  | {
      readonly kind: 'provider';
      /** person.role_change, person.company_change, ..., company.executive_turnover. */
      readonly eventType: string;
      readonly companyId: string;
      readonly previousCompanyId: string | null;
      readonly personId: string | null;
      readonly fields: readonly FieldChange[];
      readonly occurredAt: number;
      readonly origin: ChangeOrigin;
    };

/** What a workspace sells and to whom: discovery scores people relative to it. */
export interface WorkspaceTarget {
  /** e.g. 'software', 'security', 'data', 'marketing', 'hr', 'finance'. */
  readonly productCategory: string;
  /** Departments the product serves, e.g. ['engineering', 'it']; may be empty. */
  readonly targetDepartments: readonly string[];
}

export interface BuyerGroupMember {
  readonly personId: string;
  readonly fullName: string;
  readonly title: string | null;
  readonly department: string | null;
  readonly seniority: string | null;
  readonly role: BuyerGroupRole;
  /** 0 to 10, two decimals. */
  readonly score: number;
  /** One line a salesperson can read: why this person, why this role. */
  readonly rationale: string;
}

export interface Discovery {
  /** Best first; ties broken by person id, so the same input gives the same output. */
  readonly members: readonly BuyerGroupMember[];
  /** 0 to 10: how sure we are that this is the group (coverage of the roles, title quality). */
  readonly confidence: number;
  /** 0 to 10: how connected the members are (shared reporting lines and departments). */
  readonly cohesion: number;
}

/** The result of validating outside input: a value, or a reason fit for a dead letter. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
