/**
 * The traffic's picture of the upstream rows: who works where, with which title, reporting to
 * whom. It starts from what Postgres holds (after the load, so a previous run's hires are
 * included) and follows every SQL change the traffic makes, so each next change is planned
 * against the current row and is a real change of it.
 */
export interface PersonState {
  readonly id: string;
  readonly companyId: string;
  readonly fullName: string;
  readonly email: string | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly seniority: string | null;
  readonly managerId: string | null;
  readonly status: string;
}

export interface CompanyState {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly domain: string | null;
}

/** The columns a traffic update may set. */
export type PersonUpdate = Partial<
  Pick<PersonState, 'companyId' | 'jobTitle' | 'department' | 'seniority' | 'managerId' | 'status'>
>;

/** One SQL write to the upstream `people` table, as `apply` follows it. */
export type RowChange =
  | { readonly op: 'update'; readonly personId: string; readonly set: PersonUpdate }
  | { readonly op: 'insert'; readonly person: PersonState };

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class Workforce {
  private readonly people = new Map<string, PersonState>();
  private readonly companiesById = new Map<string, CompanyState>();
  /** People who manage someone: they do not change department or company (no cycles that way). */
  private readonly reportCounts = new Map<string, number>();
  /** Highest person number per company, so a hire gets the next free id. */
  private readonly lastNumbers = new Map<string, number>();
  private readonly staff = new Map<string, Set<string>>();
  /** Every id in order, rebuilt after an insert: picks stay reproducible for a seed. */
  private sortedIds: string[] | undefined;

  constructor(companies: readonly CompanyState[], people: readonly PersonState[]) {
    for (const company of companies) this.companiesById.set(company.id, company);
    for (const person of people) this.insert(person);
  }

  get companies(): readonly CompanyState[] {
    return [...this.companiesById.values()];
  }

  company(id: string): CompanyState | undefined {
    return this.companiesById.get(id);
  }

  person(id: string): PersonState | undefined {
    return this.people.get(id);
  }

  /** Everyone, in a stable order (id), so a seeded pick is reproducible. */
  all(): PersonState[] {
    this.sortedIds ??= [...this.people.keys()].sort(byCodeUnits);
    return this.sortedIds.map((id) => this.people.get(id) as PersonState);
  }

  peopleAt(companyId: string): PersonState[] {
    const ids = [...(this.staff.get(companyId) ?? [])].sort(byCodeUnits);
    return ids.map((id) => this.people.get(id) as PersonState);
  }

  managesAnyone(personId: string): boolean {
    return (this.reportCounts.get(personId) ?? 0) > 0;
  }

  /** `p-00042-061` after `p-00042-060`: the company's next person number. */
  nextPersonId(companyId: string): string {
    const next = (this.lastNumbers.get(companyId) ?? 0) + 1;
    return `p-${companyId.replace(/^co-/, '')}-${String(next).padStart(3, '0')}`;
  }

  insert(person: PersonState): void {
    this.people.set(person.id, person);
    this.sortedIds = undefined;
    this.staffOf(person.companyId).add(person.id);
    this.countReport(person.managerId, +1);
    // By the company in the id, not the current one: a hire who moved on keeps their number.
    const match = /^p-(\d+)-(\d+)$/.exec(person.id);
    if (match) {
      const numbered = `co-${match[1]}`;
      const number = Number(match[2]);
      if (number > (this.lastNumbers.get(numbered) ?? 0)) this.lastNumbers.set(numbered, number);
    }
  }

  update(personId: string, update: PersonUpdate): void {
    const before = this.people.get(personId);
    if (!before) throw new Error(`unknown person ${personId}`);
    if (update.managerId !== undefined && update.managerId !== before.managerId) {
      this.countReport(before.managerId, -1);
      this.countReport(update.managerId, +1);
    }
    if (update.companyId !== undefined && update.companyId !== before.companyId) {
      this.staffOf(before.companyId).delete(personId);
      this.staffOf(update.companyId).add(personId);
    }
    this.people.set(personId, { ...before, ...update });
  }

  /** Follows a SQL change the traffic makes, as soon as it is planned. */
  apply(change: RowChange): void {
    if (change.op === 'insert') this.insert(change.person);
    else this.update(change.personId, change.set);
  }

  private staffOf(companyId: string): Set<string> {
    let ids = this.staff.get(companyId);
    if (!ids) this.staff.set(companyId, (ids = new Set()));
    return ids;
  }

  private countReport(managerId: string | null, delta: number): void {
    if (managerId === null) return;
    this.reportCounts.set(managerId, (this.reportCounts.get(managerId) ?? 0) + delta);
  }
}
