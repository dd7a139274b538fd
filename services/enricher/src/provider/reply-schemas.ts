/**
 * What a provider reply must look like before the enricher believes it. Every string and list
 * is bounded: a reply is stored and re-published, so a broken provider must not be able to
 * push megabytes into a buyer group.
 */
import { z } from '@bgs/platform';

export const REPLY_LIMITS = {
  people: 1_000,
  id: 200,
  email: 320,
  phone: 64,
  url: 2_048,
  summary: 4_000,
  companySummary: 8_000,
  priorities: 20,
  priority: 500,
} as const;

const personId = z.string().min(1).max(REPLY_LIMITS.id);

export const enrichContactsReplySchema = z.object({
  contacts: z
    .array(
      z.object({
        personId,
        email: z.string().min(3).max(REPLY_LIMITS.email).nullable(),
        phone: z.string().min(1).max(REPLY_LIMITS.phone).nullable(),
        linkedinUrl: z
          .url({ protocol: /^https?$/ })
          .max(REPLY_LIMITS.url)
          .nullable(),
        verified: z.boolean(),
      }),
    )
    .max(REPLY_LIMITS.people),
});

export const researchReplySchema = z.object({
  companySummary: z.string().max(REPLY_LIMITS.companySummary),
  insights: z
    .array(
      z.object({
        personId,
        summary: z.string().max(REPLY_LIMITS.summary),
        priorities: z.array(z.string().max(REPLY_LIMITS.priority)).max(REPLY_LIMITS.priorities),
      }),
    )
    .max(REPLY_LIMITS.people),
});
