/**
 * The webhook body, validated only as far as the baseline needs it: the event id (dedup key),
 * its type, and the companies whose buyer groups it touches. A move (`person.company_change`)
 * names where the person went in `company.id` and where they left in `changes.company.old`, as
 * the provider (and tools/demo's traffic) sends it.
 */
import { z } from '@bgs/platform';

const entityId = z.string().trim().min(1).max(200);
const company = z.object({ id: entityId });

const inPlaceChange = z.object({
  id: entityId,
  type: z.enum(['person.role_change', 'person.promotion', 'person.department_change']),
  company,
});

const move = z
  .object({
    id: entityId,
    type: z.literal('person.company_change'),
    company,
    changes: z.object({ company: z.object({ old: entityId, new: entityId }) }),
  })
  .refine((event) => event.company.id === event.changes.company.new, {
    path: ['company', 'id'],
    message: 'must equal changes.company.new',
  });

const webhookEvent = z.discriminatedUnion('type', [inPlaceChange, move]);

export type RefreshEvent = z.output<typeof webhookEvent>;

export type ParsedEvent =
  | { readonly ok: true; readonly event: RefreshEvent }
  | { readonly ok: false; readonly reason: string };

/** `reason` names the first bad field, for the 400 body. */
export function parseRefreshEvent(body: unknown): ParsedEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: '(body): must be a JSON object' };
  }
  const parsed = webhookEvent.safeParse(body);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  return { ok: false, reason: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** Every company whose group the event can change: for a move, the one left first. */
export function touchedCompanyIds(event: RefreshEvent): string[] {
  if (event.type !== 'person.company_change') return [event.company.id];
  const left = event.changes.company.old;
  return left === event.company.id ? [left] : [left, event.company.id];
}
