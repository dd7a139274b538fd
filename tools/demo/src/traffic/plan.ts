/**
 * Plans the next traffic change: a weighted mix of SQL writes and provider webhooks, each
 * against the current picture of the rows and each significant. Pure apart from the random
 * stream: the caller applies SQL changes to the Workforce once they are planned.
 */
import type { Random } from '../random';
import type { PlannedChange, SqlChangeKind, WebhookType } from './changes';
import {
  anotherCompany,
  anotherTitle,
  departmentChange,
  managerFor,
  newHire,
  promotion,
} from './person-moves';
import type { PersonState, PersonUpdate, Workforce } from './workforce';

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

export interface PlanContext {
  readonly random: Random;
  readonly workforce: Workforce;
  /** False for people with a write in flight or whose row we no longer trust. */
  readonly isAvailable: (personId: string) => boolean;
}

const arrow = (before: string | null, after: string | null): string =>
  `${before ?? '—'} → ${after ?? '—'}`;

function update(
  person: PersonState,
  set: PersonUpdate,
  kind: SqlChangeKind,
  summary: string,
  companyIds = [person.companyId],
): PlannedChange {
  return {
    via: 'sql',
    kind,
    personId: person.id,
    companyIds,
    summary: `${person.fullName}: ${summary}`,
    row: { op: 'update', personId: person.id, set },
  };
}

function planSql(
  context: PlanContext,
  kind: SqlChangeKind,
  person: PersonState,
): PlannedChange | undefined {
  const { random, workforce } = context;
  switch (kind) {
    case 'title': {
      const jobTitle = anotherTitle(random, person);
      return jobTitle === undefined
        ? undefined
        : update(person, { jobTitle }, kind, arrow(person.jobTitle, jobTitle));
    }
    case 'promotion': {
      const next = promotion(random, person);
      if (!next) return undefined;
      return update(
        person,
        next,
        kind,
        `${arrow(person.jobTitle, next.jobTitle)} (${next.seniority})`,
      );
    }
    case 'department': {
      // Only people who manage nobody change department or company: no reporting cycles.
      if (workforce.managesAnyone(person.id)) return undefined;
      const next = departmentChange(random, person);
      if (!next) return undefined;
      const managerId = managerFor(
        random,
        workforce,
        person.companyId,
        next.department,
        person.seniority,
        person.id,
      );
      const set = { ...next, ...(managerId !== person.managerId ? { managerId } : {}) };
      return update(
        person,
        set,
        kind,
        `${arrow(person.department, next.department)}, ${next.jobTitle}`,
      );
    }
    case 'move': {
      if (workforce.managesAnyone(person.id)) return undefined;
      const target = anotherCompany(random, workforce, person.companyId);
      if (!target) return undefined;
      const managerId = managerFor(
        random,
        workforce,
        target.id,
        person.department,
        person.seniority,
      );
      const set = {
        companyId: target.id,
        ...(managerId !== person.managerId ? { managerId } : {}),
      };
      const from = workforce.company(person.companyId)?.name ?? person.companyId;
      return update(person, set, kind, `${from} → ${target.name}`, [person.companyId, target.id]);
    }
    case 'departure':
      // The root of a chart (the CEO) stays; anyone else may leave.
      if (person.managerId === null) return undefined;
      return update(person, { status: 'left' }, kind, `left (${person.jobTitle ?? 'no title'})`);
    case 'hire':
      return undefined; // planned per company, in planHire
  }
}

function planHire(context: PlanContext): PlannedChange | undefined {
  const company = context.random.pick(context.workforce.companies);
  const person = newHire(context.random, context.workforce, company);
  if (!person) return undefined;
  return {
    via: 'sql',
    kind: 'hire',
    personId: person.id,
    companyIds: [company.id],
    summary: `${person.fullName}: joined ${company.name} as ${person.jobTitle ?? '—'}`,
    row: { op: 'insert', person },
  };
}

function planWebhook(
  context: PlanContext,
  kind: WebhookType,
  person: PersonState,
): PlannedChange | undefined {
  const { random, workforce } = context;
  const company = workforce.company(person.companyId);
  if (!company) return undefined;
  const who = { id: person.id, name: person.fullName, email: person.email };
  const base = { via: 'webhook' as const, kind, personId: person.id };
  switch (kind) {
    case 'person.role_change': {
      const jobTitle = anotherTitle(random, person);
      if (!jobTitle) return undefined;
      const title = { old: person.jobTitle, new: jobTitle };
      return {
        ...base,
        companyIds: [company.id],
        summary: `${person.fullName}: ${arrow(title.old, title.new)}`,
        event: {
          type: kind,
          person: { ...who, oldTitle: title.old, newTitle: title.new },
          company: { id: company.id, name: company.name },
          changes: { title },
        },
      };
    }
    case 'person.promotion': {
      const next = promotion(random, person);
      if (!next) return undefined;
      const title = { old: person.jobTitle, new: next.jobTitle };
      return {
        ...base,
        companyIds: [company.id],
        summary: `${person.fullName}: ${arrow(title.old, title.new)} (${next.seniority})`,
        event: {
          type: kind,
          person: { ...who, oldTitle: title.old, newTitle: title.new },
          company: { id: company.id, name: company.name },
          changes: { title, seniority: { old: person.seniority, new: next.seniority } },
        },
      };
    }
    case 'person.department_change': {
      const next = departmentChange(random, person);
      if (!next) return undefined;
      return {
        ...base,
        companyIds: [company.id],
        summary: `${person.fullName}: ${arrow(person.department, next.department)}`,
        event: {
          type: kind,
          person: who,
          company: { id: company.id, name: company.name },
          changes: { department: { old: person.department, new: next.department } },
        },
      };
    }
    case 'person.company_change': {
      const target = anotherCompany(random, workforce, company.id);
      if (!target) return undefined;
      return {
        ...base,
        companyIds: [company.id, target.id],
        summary: `${person.fullName}: ${company.name} → ${target.name}`,
        // Keyed by where the person went; the old company comes with changes.company.old.
        event: {
          type: kind,
          person: who,
          company: { id: target.id, name: target.name },
          changes: { company: { old: company.id, new: target.id } },
        },
      };
    }
  }
}

export function planChange(context: PlanContext): PlannedChange | undefined {
  const { random, workforce, isAvailable } = context;
  const people = workforce.all().filter((p) => p.status === 'active' && isAvailable(p.id));
  if (people.length === 0) return undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { via, kind } = random.weighted(KIND_WEIGHTS);
    if (via === 'sql' && kind === 'hire') {
      const hire = planHire(context);
      if (hire) return hire;
      continue;
    }
    const person = random.pick(people);
    const planned =
      via === 'sql' ? planSql(context, kind, person) : planWebhook(context, kind, person);
    if (planned) return planned;
  }
  return undefined;
}
