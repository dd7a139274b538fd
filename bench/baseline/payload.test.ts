import { parseRefreshEvent, touchedCompanyIds, type RefreshEvent } from './payload';

const person = { id: 'p-1', name: 'Ada' };

function parsed(body: unknown): RefreshEvent {
  const result = parseRefreshEvent(body);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

function reason(body: unknown): string {
  const result = parseRefreshEvent(body);
  if (result.ok) throw new Error('expected a refusal');
  return result.reason;
}

describe('touchedCompanyIds', () => {
  it.each(['person.role_change', 'person.promotion', 'person.department_change'])(
    'is the one company of a %s',
    (type) => {
      const event = parsed({ id: 'e-1', type, person, company: { id: 'co-1' }, changes: {} });
      expect(touchedCompanyIds(event)).toEqual(['co-1']);
    },
  );

  it('is both companies of a move, the one left first (as tools/demo sends a move)', () => {
    const event = parsed({
      id: 'e-2',
      type: 'person.company_change',
      person,
      company: { id: 'co-new', name: 'New' },
      changes: { company: { old: 'co-old', new: 'co-new' } },
    });
    expect(touchedCompanyIds(event)).toEqual(['co-old', 'co-new']);
  });

  it('is one company for a move within the same company', () => {
    const event = parsed({
      id: 'e-3',
      type: 'person.company_change',
      company: { id: 'co-1' },
      changes: { company: { old: 'co-1', new: 'co-1' } },
    });
    expect(touchedCompanyIds(event)).toEqual(['co-1']);
  });
});

describe('parseRefreshEvent', () => {
  const valid = { id: 'e-1', type: 'person.promotion', company: { id: 'co-1' } };

  it('keeps only what the baseline needs, ignoring other fields', () => {
    expect(parsed({ ...valid, timestamp: 'whenever', extra: 1 })).toEqual(valid);
  });

  it('names the first bad field', () => {
    expect(reason([])).toBe('(body): must be a JSON object');
    expect(reason(null)).toBe('(body): must be a JSON object');
    expect(reason({ ...valid, id: undefined })).toMatch(/^id: /);
    expect(reason({ ...valid, id: '  ' })).toMatch(/^id: /);
    expect(reason({ ...valid, id: 'x'.repeat(201) })).toMatch(/^id: /);
    expect(reason({ ...valid, company: undefined })).toMatch(/^company: /);
    expect(reason({ ...valid, company: { id: '' } })).toMatch(/^company\.id: /);
  });

  it('refuses a type that does not trigger a refresh', () => {
    expect(reason({ ...valid, type: 'company.acquisition' })).toMatch(/^type: /);
    expect(reason({ ...valid, type: undefined })).toMatch(/^type: /);
  });

  it('refuses a move without both companies, or keyed elsewhere than where the person went', () => {
    const move = { id: 'e-2', type: 'person.company_change', company: { id: 'co-new' } };
    expect(reason(move)).toMatch(/^changes: /);
    expect(reason({ ...move, changes: { company: { old: 'co-old' } } })).toMatch(
      /^changes\.company\.new: /,
    );
    expect(reason({ ...move, changes: { company: { old: 'co-old', new: 'co-other' } } })).toBe(
      'company.id: must equal changes.company.new',
    );
  });
});
