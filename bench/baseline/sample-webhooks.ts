/**
 * Signed webhooks for the baseline's own measurement (measure.ts): the demo's webhook mix
 * (role change 14, promotion 10, department change 8, move 8), each with a unique event id,
 * signed with the legacy scheme. Pure, given the ids and the clock.
 */
import { signLegacy } from './signature';

export interface SignedWebhook {
  readonly eventId: string;
  readonly companyIds: readonly string[];
  readonly body: string;
  readonly headers: Record<string, string>;
}

const MIX = [
  ['person.role_change', 14],
  ['person.promotion', 10],
  ['person.department_change', 8],
  ['person.company_change', 8],
] as const;
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

/** The event type of the n-th webhook: a fixed, evenly spread cycle through the mix. */
export function typeAt(n: number): (typeof MIX)[number][0] {
  let slot = (n * 7) % MIX_TOTAL; // 7 is coprime with 40: every slot once per 40
  for (const [type, weight] of MIX) {
    if (slot < weight) return type;
    slot -= weight;
  }
  return MIX[0][0];
}

export function signedWebhook(
  runId: string,
  n: number,
  companyIds: readonly string[],
  secret: string,
  nowMs: number,
): SignedWebhook {
  const eventId = `${runId}-${n}`;
  const type = typeAt(n);
  const from = companyIds[(n * 7919) % companyIds.length] as string;
  const to = companyIds[(n * 7919 + 1 + (n % 97)) % companyIds.length] as string;
  const person = { id: `bench-person-${n}`, name: 'Bench Person' };
  const event =
    type === 'person.company_change'
      ? {
          id: eventId,
          type,
          person,
          company: { id: to },
          changes: { company: { old: from, new: to } },
        }
      : { id: eventId, type, person, company: { id: from }, changes: {} };
  const body = JSON.stringify({ ...event, timestamp: new Date(nowMs).toISOString() });
  return {
    eventId,
    companyIds: type === 'person.company_change' && from !== to ? [from, to] : [from],
    body,
    headers: {
      'content-type': 'application/json',
      'x-timestamp': String(nowMs),
      'x-signature': signLegacy(secret, nowMs, body),
    },
  };
}
