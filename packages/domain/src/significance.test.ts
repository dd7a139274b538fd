import type { Change, ChangeOp, Company, FieldChange, Person } from './model';
import { assessSignificance } from './significance';

const CDC = { type: 'cdc', table: 'people', lsn: '100', snapshot: false } as const;

const person: Person = {
  id: 'p-1',
  companyId: 'c-1',
  fullName: 'Ada Lovelace',
  email: 'ada@example.com',
  jobTitle: 'VP Engineering',
  department: 'Engineering',
  seniority: 'vp',
  managerId: 'p-0',
  status: 'active',
  updatedAt: '2026-11-23T10:00:00Z',
};

const company: Company = {
  id: 'c-1',
  workspaceId: 'w-1',
  name: 'Acme',
  domain: 'acme.example',
  industry: 'FinTech',
  employeeCount: 250,
  status: 'active',
  updatedAt: '2026-11-23T10:00:00Z',
};

function personChange(op: ChangeOp, before: Person | null, after: Person | null): Change {
  return { kind: 'person', op, personId: 'p-1', before, after, occurredAt: 1, origin: CDC };
}

function companyChange(op: ChangeOp, before: Company | null, after: Company | null): Change {
  const origin = { ...CDC, table: 'companies' } as const;
  return { kind: 'company', op, companyId: 'c-1', before, after, occurredAt: 1, origin };
}

function providerChange(eventType: string, fields: readonly FieldChange[]): Change {
  return {
    kind: 'provider',
    eventType,
    companyId: 'c-1',
    previousCompanyId: null,
    personId: 'p-1',
    fields,
    occurredAt: 1,
    origin: { type: 'webhook', source: 'demo', eventId: 'e-1' },
  };
}

describe('assessSignificance of a person update', () => {
  it.each<[string, Partial<Person>]>([
    ['only updated_at', { updatedAt: '2026-11-24T08:00:00Z' }],
    ['the title retyped with other spacing and case', { jobTitle: '  vp   ENGINEERING ' }],
    ['the department with a trailing space', { department: 'engineering ' }],
    ['the seniority in capitals', { seniority: 'VP' }],
    ['the status in capitals', { status: 'Active' }],
    ['the name', { fullName: 'Ada King' }],
    ['the email', { email: 'ada.king@example.com' }],
  ])('is not significant for %s', (_case, patch) => {
    expect(assessSignificance(personChange('update', person, { ...person, ...patch }))).toEqual({
      significant: false,
      reasons: ['cosmetic only'],
    });
  });

  it.each<[string, Partial<Person>, string[]]>([
    ['a new title', { jobTitle: 'CTO' }, ['job_title changed']],
    ['a title removed', { jobTitle: null }, ['job_title changed']],
    ['a new department', { department: 'Security' }, ['department changed']],
    ['a new seniority', { seniority: 'c_level' }, ['seniority changed']],
    ['a move to another company', { companyId: 'c-2' }, ['company_id changed']],
    ['a new manager', { managerId: 'p-9' }, ['manager_id changed']],
    ['a manager removed', { managerId: null }, ['manager_id changed']],
    ['an id differing only in case', { managerId: 'P-0' }, ['manager_id changed']],
    ['leaving the company', { status: 'left' }, ['status changed']],
    [
      'a promotion under a new manager',
      { jobTitle: 'CTO', managerId: 'p-9', updatedAt: 'later' },
      ['job_title changed', 'manager_id changed'],
    ],
  ])('is significant for %s', (_case, patch, reasons) => {
    expect(assessSignificance(personChange('update', person, { ...person, ...patch }))).toEqual({
      significant: true,
      reasons,
    });
  });

  it('is significant when there is no before image to compare with', () => {
    expect(assessSignificance(personChange('update', null, person))).toEqual({
      significant: true,
      reasons: ['no before image'],
    });
  });
});

describe('assessSignificance of people and companies coming and going', () => {
  it.each<[string, Change, boolean, string[]]>([
    ['a person created', personChange('create', null, person), true, ['person added']],
    ['a person deleted', personChange('delete', person, null), true, ['person removed']],
    ['a company created', companyChange('create', null, company), true, ['company added']],
    ['a company deleted', companyChange('delete', company, null), true, ['company removed']],
    ['a person snapshot read', personChange('snapshot', null, person), false, ['snapshot read']],
    ['a company snapshot read', companyChange('snapshot', null, company), false, ['snapshot read']],
  ])('%s', (_case, change, significant, reasons) => {
    expect(assessSignificance(change)).toEqual({ significant, reasons });
  });

  it.each([personChange('snapshot', null, person), companyChange('snapshot', null, company)])(
    'counts a snapshot read during a backfill',
    (change) => {
      expect(assessSignificance(change, { backfill: true })).toEqual({
        significant: true,
        reasons: ['backfill'],
      });
      expect(assessSignificance(change, { backfill: false }).significant).toBe(false);
    },
  );

  it('keeps the real reason of a live change during a backfill', () => {
    expect(assessSignificance(personChange('create', null, person), { backfill: true })).toEqual({
      significant: true,
      reasons: ['person added'],
    });
  });
});

describe('assessSignificance of a company update', () => {
  it.each<[string, Partial<Company>]>([
    ['a new name', { name: 'Acme Corp' }],
    ['a new domain', { domain: 'acme.io' }],
    ['a new employee count', { employeeCount: 300 }],
    ['only updated_at', { updatedAt: '2026-11-24T08:00:00Z' }],
    ['the industry in other case and spacing', { industry: ' fintech ' }],
  ])('is not significant for %s', (_case, patch) => {
    const change = companyChange('update', company, { ...company, ...patch });
    expect(assessSignificance(change)).toEqual({ significant: false, reasons: ['cosmetic only'] });
  });

  it.each<[string, Partial<Company>, string[]]>([
    ['archiving', { status: 'archived' }, ['status changed']],
    ['a new workspace', { workspaceId: 'w-2' }, ['workspace_id changed']],
    ['a new industry', { industry: 'Retail' }, ['industry changed']],
    [
      'everything at once',
      { status: 'inactive', workspaceId: 'w-2', industry: null, name: 'X' },
      ['status changed', 'workspace_id changed', 'industry changed'],
    ],
  ])('is significant for %s', (_case, patch, reasons) => {
    const change = companyChange('update', company, { ...company, ...patch });
    expect(assessSignificance(change)).toEqual({ significant: true, reasons });
  });
});

describe('assessSignificance of a provider event', () => {
  const realTitleChange = [{ field: 'title', before: 'Director', after: 'VP Sales' }];

  it.each([
    ['person.role_change', realTitleChange],
    ['person.company_change', [{ field: 'company', before: 'c-1', after: 'c-2' }]],
    ['person.promotion', realTitleChange],
    ['person.department_change', [{ field: 'department', before: 'Sales', after: 'RevOps' }]],
    ['company.acquisition', []],
    ['company.restructuring', []],
    ['company.executive_turnover', []],
  ])('%s is significant, with the event type as the reason', (eventType, fields) => {
    expect(assessSignificance(providerChange(eventType, fields))).toEqual({
      significant: true,
      reasons: [eventType],
    });
  });

  it.each([
    [
      'a title that only changed case and spacing',
      [{ field: 'title', before: 'VP Sales', after: ' vp  sales' }],
    ],
    ['a title sent twice unchanged', [{ field: 'title', before: 'CTO', after: 'CTO' }]],
    ['blank to null', [{ field: 'title', before: '', after: null }]],
  ])('a person event with %s is cosmetic only', (_case, fields) => {
    expect(assessSignificance(providerChange('person.role_change', fields))).toEqual({
      significant: false,
      reasons: ['cosmetic only'],
    });
  });

  it('a person event with one real change among cosmetic ones is significant', () => {
    const fields = [
      { field: 'seniority', before: 'VP', after: 'vp' },
      { field: 'title', before: 'VP Sales', after: 'CRO' },
    ];
    expect(assessSignificance(providerChange('person.promotion', fields)).significant).toBe(true);
  });

  it('a person event without field detail is taken at its word', () => {
    expect(assessSignificance(providerChange('person.promotion', [])).significant).toBe(true);
  });

  it('a company event is significant even when its fields look cosmetic', () => {
    const fields = [{ field: 'name', before: 'Acme', after: 'ACME' }];
    expect(assessSignificance(providerChange('company.restructuring', fields)).significant).toBe(
      true,
    );
  });

  it('an unknown event type is not significant', () => {
    expect(assessSignificance(providerChange('person.birthday', realTitleChange))).toEqual({
      significant: false,
      reasons: ['unknown event type person.birthday'],
    });
  });

  it('ignores the backfill option', () => {
    const change = providerChange('person.role_change', realTitleChange);
    expect(assessSignificance(change, { backfill: true }).reasons).toEqual(['person.role_change']);
  });
});
