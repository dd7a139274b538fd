/**
 * Reporting lines from `manager_id`. Upstream data is not trusted to be a tree: a manager may be
 * missing from the roster or a chain may loop, and neither may hang or crash discovery.
 */
import { rememberedBy } from './memo';
import type { Person } from './model';

export interface OrgChart {
  /** Managers above someone, nearest first, each once, only those on the roster. */
  chainAbove(personId: string): readonly string[];
  directReports(personId: string): readonly string[];
  /** Everyone below someone, directly or not, that `counts` (walking through those it skips). */
  reportCount(personId: string, counts?: (personId: string) => boolean): number;
}

export function buildOrgChart(people: readonly Person[]): OrgChart {
  const managerOf = new Map<string, string>();
  const reportsOf = new Map<string, string[]>();
  const ids = new Set(people.map((person) => person.id));
  for (const person of people) {
    const managerId = person.managerId;
    if (managerId === null || managerId === person.id || !ids.has(managerId)) continue;
    managerOf.set(person.id, managerId);
    const reports = reportsOf.get(managerId);
    if (reports) reports.push(person.id);
    else reportsOf.set(managerId, [person.id]);
  }

  // The chart never changes once built, and discovery asks for the same chains many times.
  const chainAbove = rememberedBy(
    (personId: string) => personId,
    (personId): readonly string[] => {
      const chain: string[] = [];
      const seen = new Set([personId]);
      for (let id = managerOf.get(personId); id !== undefined; id = managerOf.get(id)) {
        if (seen.has(id)) break;
        seen.add(id);
        chain.push(id);
      }
      return chain;
    },
  );

  const reportCount = (personId: string, counts: (id: string) => boolean = () => true) => {
    const seen = new Set([personId]);
    const queue = [...(reportsOf.get(personId) ?? [])];
    let count = 0;
    while (queue.length > 0) {
      const id = queue.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (counts(id)) count += 1;
      const reports = reportsOf.get(id);
      if (reports !== undefined) for (const report of reports) queue.push(report);
    }
    return count;
  };

  return {
    chainAbove,
    directReports: (personId) => reportsOf.get(personId) ?? [],
    reportCount,
  };
}
