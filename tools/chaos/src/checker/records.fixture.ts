/** Builders of published records for the checker's unit tests (not part of the build). */
import type { BuyerGroupState, PublishedGroup, StateMember } from './records';

export const member = (
  personId: string,
  role = 'influencer',
  score = 5,
  extra: Partial<StateMember> = {},
): StateMember => ({
  personId,
  fullName: null,
  title: null,
  department: null,
  seniority: null,
  role,
  score,
  rationale: 'because',
  enrichment: null,
  research: null,
  ...extra,
});

export const groupState = (
  companyId: string,
  generation: number,
  extra: Partial<BuyerGroupState> = {},
): BuyerGroupState => ({
  companyId,
  workspaceId: 'w1',
  generation,
  level: 'identify',
  confidence: 5,
  cohesion: 5,
  status: 'ready',
  computedAt: 1_000,
  members: [],
  savedAt: 2_000,
  costUsd: 0.1,
  companySummary: null,
  origins: [],
  ...extra,
});

export const published = (
  value: BuyerGroupState,
  partition: number,
  offset: number,
  key: string = value.companyId,
): PublishedGroup => ({ key, partition, offset: String(offset), value });
