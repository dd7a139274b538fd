/**
 * Plans the next traffic change: a weighted mix of SQL writes and provider webhooks, each
 * against the current picture of the rows and each significant. Pure apart from the random
 * stream: the caller applies SQL changes to the Workforce once they are planned.
 */
import type { PlanContext, PlannedChange, SqlChangeKind, WebhookType } from './changes';
import { planHire, planSql } from './plan-sql';
import { planWebhook } from './plan-webhook';
import type { PersonState } from './workforce';

type Kind = { via: 'sql'; kind: SqlChangeKind } | { via: 'webhook'; kind: WebhookType };

/** About 60 % through Postgres, 40 % through ingress; titles and promotions most often. */
export const KIND_WEIGHTS: readonly (readonly [Kind, number])[] = [
  [{ via: 'sql', kind: 'title' }, 15],
  [{ via: 'sql', kind: 'promotion' }, 12],
  [{ via: 'sql', kind: 'department' }, 9],
  [{ via: 'sql', kind: 'move' }, 9],
  [{ via: 'sql', kind: 'departure' }, 6],
  [{ via: 'sql', kind: 'hire' }, 9],
  [{ via: 'webhook', kind: 'person.role_change' }, 14],
  [{ via: 'webhook', kind: 'person.promotion' }, 10],
  [{ via: 'webhook', kind: 'person.department_change' }, 8],
  [{ via: 'webhook', kind: 'person.company_change' }, 8],
];

/** Tries before giving up on a kind (few people fit it) and drawing another. */
const ATTEMPTS = 20;

export function planChange(context: PlanContext): PlannedChange | undefined {
  const { random, workforce, isAvailable } = context;
  const people = workforce.all().filter((p) => p.status === 'active' && isAvailable(p.id));
  if (people.length === 0) return undefined;
  const weightOf = context.weightOf;
  const weighted = weightOf && people.map((p): [PersonState, number] => [p, weightOf(p)]);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { via, kind } = random.weighted(KIND_WEIGHTS);
    if (via === 'sql' && kind === 'hire') {
      const hire = planHire(context);
      if (hire) return hire;
      continue;
    }
    const person = weighted ? random.weighted(weighted) : random.pick(people);
    const planned =
      via === 'sql' ? planSql(context, kind, person) : planWebhook(context, kind, person);
    if (planned) return planned;
  }
  return undefined;
}
