import type { CompanyRecord, PersonRecord } from './directory';
import { buildResearchReply, prioritiesFor } from './research';

const company: CompanyRecord = {
  id: 'c-1',
  name: 'Acme',
  domain: 'acme.example',
  industry: 'logistics',
  employeeCount: 1200,
};
const cto: PersonRecord = {
  id: 'p-1',
  companyId: 'c-1',
  fullName: 'Ada Lovelace',
  email: null,
  jobTitle: 'Chief Technology Officer',
  department: 'Engineering',
};
const asked = (personId: string, department: string | null = null) => ({
  personId,
  fullName: null,
  title: null,
  department,
});

describe('research replies', () => {
  it('gives the same answer to the same question', () => {
    const lookup = { company, people: new Map([['p-1', cto]]) };
    const first = buildResearchReply('c-1', [asked('p-1')], lookup);
    expect(buildResearchReply('c-1', [asked('p-1')], lookup)).toEqual(first);
  });

  it('summarises the company and who is on record', () => {
    const lookup = { company, people: new Map([['p-1', cto]]) };
    const reply = buildResearchReply('c-1', [asked('p-1'), asked('p-2')], lookup);
    expect(reply.companySummary).toBe(
      'Acme (acme.example) is a company in logistics with about 1200 employees; ' +
        '1 of 2 people asked about are on record.',
    );
  });

  it('describes a person from title and department templates', () => {
    const lookup = { company, people: new Map([['p-1', cto]]) };
    const [insight] = buildResearchReply('c-1', [asked('p-1')], lookup).insights;
    expect(insight?.priorities).toEqual(prioritiesFor('p-1', 'Engineering'));
    expect(insight?.priorities).toHaveLength(3);
    expect(insight?.summary).toContain('Ada Lovelace (Chief Technology Officer, Engineering)');
    expect(insight?.summary).toContain('a decision maker');
    expect(insight?.summary).toContain(insight?.priorities[0]);
  });

  it('picks priorities by department', () => {
    const engineering = [
      'developer productivity',
      'platform reliability',
      'cloud cost',
      'security posture',
    ];
    for (const priority of prioritiesFor('p-9', 'Platform Engineering')) {
      expect(engineering).toContain(priority);
    }
    expect(prioritiesFor('p-9', 'Finance')).not.toEqual(prioritiesFor('p-9', 'Engineering'));
    expect(prioritiesFor('p-9', null)).toHaveLength(3);
  });

  it('uses what the caller sent where the record has gaps', () => {
    const bare = { ...cto, jobTitle: null, department: null };
    const lookup = { company, people: new Map([['p-1', bare]]) };
    const [insight] = buildResearchReply(
      'c-1',
      [{ personId: 'p-1', fullName: null, title: 'Sales Manager', department: 'Sales' }],
      lookup,
    ).insights;
    expect(insight?.summary).toContain('(Sales Manager, Sales)');
    expect(insight?.summary).toContain('an influencer');
  });

  it('says so, without priorities, for people and companies not on record', () => {
    const reply = buildResearchReply('c-404', [asked('p-404', 'Sales')], {
      company: undefined,
      people: new Map(),
    });
    expect(reply).toEqual({
      companySummary: 'No records for company c-404; 1 people asked about.',
      insights: [
        { personId: 'p-404', summary: 'No record of this person at this company.', priorities: [] },
      ],
    });
  });
});
