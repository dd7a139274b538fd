/**
 * The two records the demo watches, as decoded by the platform's schema codec: BuyerGroup
 * (schemas/buyer-group.avsc, topic buyer-groups) and BuyerGroupChange
 * (schemas/buyer-group-change.avsc, topic buyer-group.changes). Only the fields the demo uses
 * are checked; the codec has already checked the rest against the writer's schema.
 */
import { z } from '@bgs/platform';

/**
 * timestamp-millis: the codec's avsc decodes it as a plain long (no logical type registered),
 * but a Date is accepted too should that ever change.
 */
const epochMs = z.union([z.number().int(), z.date().transform((date) => date.getTime())]);

const originSchema = z.object({ ref: z.string(), occurredAt: epochMs });

const memberRefSchema = z.object({
  personId: z.string(),
  fullName: z.string().nullable(),
  role: z.string(),
});

export const buyerGroupChangeSchema = z.object({
  companyId: z.string(),
  workspaceId: z.string(),
  generation: z.number().int(),
  level: z.string(),
  savedAt: epochMs,
  added: z.array(memberRefSchema),
  removed: z.array(memberRefSchema),
  roleChanged: z.array(
    z.object({
      personId: z.string(),
      fullName: z.string().nullable(),
      fromRole: z.string(),
      toRole: z.string(),
    }),
  ),
  origins: z.array(originSchema),
});
export type BuyerGroupChangeRecord = z.output<typeof buyerGroupChangeSchema>;

export const buyerGroupStateSchema = z.object({
  companyId: z.string(),
  workspaceId: z.string(),
  generation: z.number().int(),
  level: z.string(),
  savedAt: epochMs,
  members: z.array(
    z.object({ personId: z.string(), title: z.string().nullable(), role: z.string() }),
  ),
  origins: z.array(originSchema),
});
export type BuyerGroupStateRecord = z.output<typeof buyerGroupStateSchema>;
export type OriginRecord = z.output<typeof originSchema>;
