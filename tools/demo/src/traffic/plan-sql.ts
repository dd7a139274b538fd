/** The SQL kinds of traffic change: a write to one `people` row, or a new one (a hire). */
import { arrow, type PlanContext, type PlannedChange, type SqlChangeKind } from './changes';
import {
  anotherCompany,
  anotherTitle,
  departmentChange,
  managerFor,
  newHire,
  promotion,
} from './person-moves';
import type { PersonState, PersonUpdate } from './workforce';

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

export function planSql(
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

export function planHire(context: PlanContext): PlannedChange | undefined {
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
