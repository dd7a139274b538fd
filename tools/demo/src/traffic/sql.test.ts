import { rowChangeSql } from './sql';

describe('rowChangeSql', () => {
  it('updates only the columns set, and only when they differ', () => {
    expect(
      rowChangeSql({
        op: 'update',
        personId: 'p-00001-007',
        set: { companyId: 'co-00004', managerId: null },
      }),
    ).toEqual({
      text:
        'UPDATE people SET company_id = $2::text, manager_id = $3::text, updated_at = now() ' +
        'WHERE id = $1 AND (company_id, manager_id) IS DISTINCT FROM ($2::text, $3::text)',
      values: ['p-00001-007', 'co-00004', null],
    });
  });

  it('inserts a hire', () => {
    const { text, values } = rowChangeSql({
      op: 'insert',
      person: {
        id: 'p-00001-061',
        companyId: 'co-00001',
        fullName: "Zoë O'Brien",
        email: 'zoe.obrien@acme.com',
        jobTitle: 'Software Engineer',
        department: 'engineering',
        seniority: 'entry',
        managerId: 'p-00001-020',
        status: 'active',
      },
    });
    expect(text).toMatch(
      /^INSERT INTO people \(id, company_id, full_name, .*\) VALUES \(\$1, .*\$9\)$/,
    );
    expect(values).toEqual([
      'p-00001-061',
      'co-00001',
      "Zoë O'Brien",
      'zoe.obrien@acme.com',
      'Software Engineer',
      'engineering',
      'entry',
      'p-00001-020',
      'active',
    ]);
  });

  it('refuses an update that sets nothing', () => {
    expect(() => rowChangeSql({ op: 'update', personId: 'p-1', set: {} })).toThrow('sets nothing');
  });
});
