/**
 * Where the provider's answers come from: the stack's own upstream tables. Behind this small
 * interface so the HTTP behaviour is tested with an in-memory directory, without Postgres.
 */
import type { Company, Person } from '@bgs/domain';

/** The domain's shapes of the upstream rows, as far as the provider's answers need them. */
export type CompanyRecord = Pick<Company, 'id' | 'name' | 'domain' | 'industry' | 'employeeCount'>;

export type PersonRecord = Pick<
  Person,
  'id' | 'companyId' | 'fullName' | 'email' | 'jobTitle' | 'department'
>;

export interface DirectoryLookup {
  readonly company: CompanyRecord | undefined;
  /** Only those of the asked people who work at the company, by id. */
  readonly people: ReadonlyMap<string, PersonRecord>;
}

export interface PeopleDirectory {
  lookup(companyId: string, personIds: readonly string[]): Promise<DirectoryLookup>;
}
