/**
 * Where the provider's answers come from: the stack's own upstream tables. Behind this small
 * interface so the HTTP behaviour is tested with an in-memory directory, without Postgres.
 */

export interface CompanyRecord {
  readonly id: string;
  readonly name: string;
  readonly domain: string | null;
  readonly industry: string | null;
  readonly employeeCount: number | null;
}

export interface PersonRecord {
  readonly id: string;
  readonly companyId: string;
  readonly fullName: string;
  readonly email: string | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
}

export interface DirectoryLookup {
  readonly company: CompanyRecord | undefined;
  /** Only those of the asked people who work at the company, by id. */
  readonly people: ReadonlyMap<string, PersonRecord>;
}

export interface PeopleDirectory {
  lookup(companyId: string, personIds: readonly string[]): Promise<DirectoryLookup>;
}
