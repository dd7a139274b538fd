import type { CompanyRecord, DirectoryLookup, PeopleDirectory, PersonRecord } from './directory';

/** A directory over fixed records: for tests, and for running the provider without a database. */
export function createMemoryDirectory(data: {
  readonly companies: readonly CompanyRecord[];
  readonly people: readonly PersonRecord[];
}): PeopleDirectory {
  const companies = new Map(data.companies.map((company) => [company.id, company]));
  const people = new Map(data.people.map((person) => [person.id, person]));
  return {
    lookup: async (companyId, personIds): Promise<DirectoryLookup> => {
      const found = new Map<string, PersonRecord>();
      for (const id of personIds) {
        const person = people.get(id);
        if (person?.companyId === companyId) found.set(id, person);
      }
      return { company: companies.get(companyId), people: found };
    },
  };
}
