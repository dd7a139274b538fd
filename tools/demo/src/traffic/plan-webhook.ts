/**
 * The webhook kinds of traffic change: what a provider would announce about a person, as the
 * body of services/ingress/src/webhooks/events.ts. Nothing is written upstream.
 */
import { arrow, type PlanContext, type PlannedChange, type WebhookType } from './changes';
import { anotherCompany, anotherTitle, departmentChange, promotion } from './person-moves';
import type { PersonState } from './workforce';

export function planWebhook(
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
