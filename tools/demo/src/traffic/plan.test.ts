import { parseWebhookEvent } from '../../../../services/ingress/src/webhooks/events';
import { generateDataset } from '../dataset/dataset';
import { normaliseTitle, sameTitle } from '../dataset/titles';
import { createRandom } from '../random';
import { stampWebhookEvent } from '../webhooks/event';
import type { PlannedChange } from './changes';
import { planChange } from './plan';
import { Workforce, type PersonState, type PersonUpdate } from './workforce';

function demoWorkforce(companies = 12): Workforce {
  const dataset = generateDataset({ companies, seed: 3 });
  return new Workforce(dataset.companies, dataset.people);
}

/** Plans `count` changes, applying the SQL ones as the traffic does; `check` sees each before it is applied. */
function planMany(
  count: number,
  check: (change: PlannedChange, workforce: Workforce) => void = () => undefined,
): PlannedChange[] {
  const workforce = demoWorkforce();
  const random = createRandom(11);
  const planned: PlannedChange[] = [];
  for (let i = 0; i < count; i++) {
    const change = planChange({ random, workforce, isAvailable: () => true });
    if (!change) throw new Error(`no change planned at ${i}`);
    check(change, workforce);
    if (change.via === 'sql') workforce.apply(change.row);
    planned.push(change);
  }
  return planned;
}

/** The fields of `set` that do not differ from the row: there must be none. */
function unchangedFields(before: PersonState, set: PersonUpdate): string[] {
  return (Object.keys(set) as (keyof PersonUpdate)[]).filter((field) =>
    field === 'jobTitle'
      ? sameTitle(before.jobTitle, set.jobTitle ?? null)
      : before[field] === set[field],
  );
}

const SIGNIFICANT: readonly (keyof PersonUpdate)[] = [
  'jobTitle',
  'department',
  'seniority',
  'companyId',
  'status',
];

describe('planChange', () => {
  it('makes every kind of change, through SQL and webhooks', () => {
    const kinds = new Set(planMany(600).map((c) => `${c.via}:${c.kind}`));
    expect([...kinds].sort()).toEqual([
      'sql:department',
      'sql:departure',
      'sql:hire',
      'sql:move',
      'sql:promotion',
      'sql:title',
      'webhook:person.company_change',
      'webhook:person.department_change',
      'webhook:person.promotion',
      'webhook:person.role_change',
    ]);
  });

  it('plans only significant SQL changes: every field set differs, titles beyond case and spacing', () => {
    const cosmetic: string[] = [];
    planMany(1500, (change, workforce) => {
      if (change.via !== 'sql' || change.row.op !== 'update') return;
      const { personId, set } = change.row;
      const before = workforce.person(personId) as PersonState;
      const unchanged = unchangedFields(before, set);
      const significant = SIGNIFICANT.some((field) => field in set);
      if (unchanged.length > 0 || !significant) cosmetic.push(`${change.kind}: ${change.summary}`);
      if (set.jobTitle !== undefined) {
        const newTitle = set.jobTitle ?? '';
        const oldTitle = before.jobTitle ?? '';
        const squashed = (title: string) => title.toLowerCase().replace(/\s+/g, ' ').trim();
        expect(squashed(newTitle)).not.toBe(squashed(oldTitle));
        expect(normaliseTitle(newTitle)).not.toBe(normaliseTitle(oldTitle));
      }
    });
    expect(cosmetic).toEqual([]);
  });

  it('plans only webhooks whose changes differ, about people as they are', () => {
    const stale: string[] = [];
    planMany(1500, (change, workforce) => {
      if (change.via !== 'webhook') return;
      const person = workforce.person(change.personId) as PersonState;
      for (const [field, { old, new: next }] of Object.entries(change.event.changes)) {
        const same = field === 'title' ? sameTitle(old, next) : old === next;
        if (same) stale.push(`${change.kind}: ${field} unchanged`);
      }
      const title = change.event.changes.title;
      if (title && title.old !== person.jobTitle)
        stale.push(`${change.kind}: old title is not the row's`);
    });
    expect(stale).toEqual([]);
  });

  it('writes webhook bodies the ingress accepts, keyed by the company a mover went to', () => {
    const webhooks = planMany(400).filter((c) => c.via === 'webhook');
    expect(webhooks.length).toBeGreaterThan(50);
    for (const [i, change] of webhooks.entries()) {
      if (change.via !== 'webhook') continue;
      const { body } = stampWebhookEvent(change.event, `evt_demo_t_${i}`, 'demo', Date.now());
      const parsed = parseWebhookEvent(JSON.parse(body));
      expect(parsed).toEqual(expect.objectContaining({ ok: true }));
      expect(change.companyIds[0]).not.toBeUndefined();
      if (change.kind === 'person.company_change') {
        expect(change.companyIds).toHaveLength(2);
        expect(change.event.company.id).toBe(change.companyIds[1]);
      }
    }
  });

  it('moves people within their workspace and touches both companies', () => {
    const workforce = demoWorkforce();
    const workspaceOf = (id: string | undefined) => workforce.company(id ?? '')?.workspaceId;
    const moves = planMany(800).filter(
      (c) => c.kind === 'move' || c.kind === 'person.company_change',
    );
    expect(moves.length).toBeGreaterThan(20);
    for (const move of moves) {
      expect(move.companyIds).toHaveLength(2);
      expect(move.companyIds[0]).not.toBe(move.companyIds[1]);
      expect(workspaceOf(move.companyIds[0])).toBe(workspaceOf(move.companyIds[1]));
    }
  });

  it('keeps reporting lines inside a company, without cycles, after many changes', () => {
    const workforce = demoWorkforce();
    const random = createRandom(5);
    for (let i = 0; i < 2000; i++) {
      const change = planChange({ random, workforce, isAvailable: () => true });
      if (change?.via === 'sql') workforce.apply(change.row);
    }
    const people = workforce.all();
    const byId = new Map(people.map((p) => [p.id, p]));
    const cyclic = people.filter((person) => {
      const seen = new Set<string>();
      for (
        let p: PersonState | undefined = person;
        p;
        p = p.managerId === null ? undefined : byId.get(p.managerId)
      ) {
        if (seen.has(p.id)) return true;
        seen.add(p.id);
      }
      return false;
    });
    expect(cyclic).toEqual([]);
    // Movers get a manager at the new company (or none) and managers never move, so every
    // reporting line stays inside one company.
    const crossCompany = people.filter(
      (p) => p.managerId !== null && byId.get(p.managerId)?.companyId !== p.companyId,
    );
    expect(crossCompany).toEqual([]);
    expect(people.length).toBeGreaterThan(demoWorkforce().all().length);
  });

  it('gives hires new ids that follow the company numbering', () => {
    const hires = planMany(600).flatMap((c) =>
      c.via === 'sql' && c.row.op === 'insert' ? [c.row.person] : [],
    );
    const ids = hires.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const hire of hires)
      expect(hire.id).toMatch(new RegExp(`^p-${hire.companyId.slice(3)}-\\d{3}$`));
  });

  it('leaves alone people who are not available', () => {
    const workforce = demoWorkforce();
    const random = createRandom(1);
    for (let i = 0; i < 200; i++) {
      const change = planChange({ random, workforce, isAvailable: (id) => id.endsWith('1') });
      if (change && change.kind !== 'hire') expect(change.personId.endsWith('1')).toBe(true);
    }
  });

  it('is reproducible for a seed', () => {
    expect(planMany(100)).toEqual(planMany(100));
  });
});
