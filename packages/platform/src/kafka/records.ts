/**
 * TypeScript shapes of the Avro records under schemas/, the one declaration producers and
 * consumers import. Timestamps are epoch ms: without a registered logical type, avsc encodes
 * `timestamp-millis` as a plain long and rejects a Date. Keep each in step with its .avsc: the
 * registry enforces the schema, these let the compiler check our use, and records.test.ts
 * checks every field's name and nullability against the .avsc.
 */
export interface ChangeOriginRecord {
  readonly ref: string;
  readonly occurredAt: number;
}

/** schemas/person-change.avsc */
export interface PersonChangeRecord {
  readonly eventId: string;
  readonly source: string;
  readonly eventType: string;
  readonly companyId: string;
  readonly previousCompanyId: string | null;
  readonly personId: string | null;
  readonly changes: readonly {
    readonly field: string;
    readonly before: string | null;
    readonly after: string | null;
  }[];
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly payload: string;
}

/** schemas/refresh-request.avsc */
export interface RefreshRequestRecord {
  readonly requestId: string;
  readonly workspaceId: string;
  readonly companyId: string;
  readonly level: string;
  readonly reason: string | null;
  readonly requestedBy: string;
  readonly requestedAt: number;
}

/** schemas/company-touch.avsc */
export interface CompanyTouchRecord {
  readonly companyId: string;
  readonly level: string | null;
  readonly reason: string;
  readonly triggeredBy: string;
  readonly origins: readonly ChangeOriginRecord[];
  readonly cooldownElapsed: boolean;
}

/** The member of schemas/buyer-group-work.avsc; enrichment and research are JSON text. */
export interface WorkMemberRecord {
  readonly personId: string;
  readonly fullName: string | null;
  readonly title: string | null;
  readonly department: string | null;
  readonly seniority: string | null;
  readonly role: string;
  readonly score: number;
  readonly rationale: string;
  readonly enrichment: string | null;
  readonly research: string | null;
}

/** schemas/buyer-group-work.avsc: discovered, enriched and researched. */
export interface BuyerGroupWorkRecord {
  readonly companyId: string;
  readonly workspaceId: string;
  readonly generation: number;
  readonly level: string;
  readonly reason: string;
  readonly triggeredBy: string;
  readonly origins: readonly ChangeOriginRecord[];
  readonly originCount: number;
  readonly discoveredAt: number;
  readonly confidence: number;
  readonly cohesion: number;
  readonly status: string;
  readonly costUsd: number;
  readonly companySummary: string | null;
  readonly members: readonly WorkMemberRecord[];
}

/** schemas/buyer-group.avsc: the compacted latest state. */
export interface BuyerGroupStateRecord {
  readonly companyId: string;
  readonly workspaceId: string;
  readonly generation: number;
  readonly level: string;
  readonly confidence: number;
  readonly cohesion: number;
  readonly status: string;
  readonly computedAt: number;
  readonly members: readonly WorkMemberRecord[];
  readonly savedAt: number;
  readonly costUsd: number;
  readonly companySummary: string | null;
  readonly origins: readonly ChangeOriginRecord[];
}

export interface MemberRefRecord {
  readonly personId: string;
  readonly fullName: string | null;
  readonly role: string;
}

/** schemas/buyer-group-change.avsc */
export interface BuyerGroupChangeRecord {
  readonly companyId: string;
  readonly workspaceId: string;
  readonly generation: number;
  readonly previousGeneration: number | null;
  readonly level: string;
  readonly savedAt: number;
  readonly added: readonly MemberRefRecord[];
  readonly removed: readonly MemberRefRecord[];
  readonly roleChanged: readonly {
    readonly personId: string;
    readonly fullName: string | null;
    readonly fromRole: string;
    readonly toRole: string;
  }[];
  readonly origins: readonly ChangeOriginRecord[];
}

/** Origins kept on a record; the count says how many there were in all. */
export const MAX_ORIGINS = 500;

/**
 * The company-touches record of a routed change (domain `changeTouches`): no level of its own,
 * so the workspace's change level applies, and one origin, the change.
 */
export function changeTouchRecord(
  touch: Pick<CompanyTouchRecord, 'companyId' | 'reason' | 'triggeredBy'> & {
    readonly origin: ChangeOriginRecord;
  },
): CompanyTouchRecord {
  return {
    companyId: touch.companyId,
    level: null,
    reason: touch.reason,
    triggeredBy: touch.triggeredBy,
    origins: [touch.origin],
    cooldownElapsed: false,
  };
}
