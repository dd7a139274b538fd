import { generateDataset } from '../dataset/dataset';
import { companiesUpsert, peopleUpsert, workspacesUpsert } from './upserts';

describe('dataset upserts', () => {
  const dataset = generateDataset({ companies: 2 });

  it('write a batch as one JSON parameter, updating only rows that differ', () => {
    const upsert = peopleUpsert(dataset.people);
    expect(upsert.text).toContain(
      'FROM jsonb_to_recordset($1::jsonb) AS r(id text, company_id text',
    );
    expect(upsert.text).toContain(
      'ON CONFLICT (id) DO UPDATE SET company_id = EXCLUDED.company_id',
    );
    expect(upsert.text).toContain(
      'WHERE (people.company_id, people.full_name, people.email, people.job_title, people.department, ' +
        'people.seniority, people.manager_id, people.status) IS DISTINCT FROM (EXCLUDED.company_id',
    );
    expect(upsert.text).toContain('RETURNING (xmax = 0) AS inserted');
    const rows = JSON.parse(upsert.values[0]) as { id: string; manager_id: string | null }[];
    expect(rows.map((r) => r.id)).toEqual(dataset.people.map((p) => p.id));
  });

  it('map companies onto their columns, active', () => {
    const [first] = JSON.parse(companiesUpsert(dataset.companies).values[0]) as object[];
    expect(first).toEqual({
      id: 'co-00001',
      workspace_id: 'ws-devtools',
      name: dataset.companies[0]?.name,
      domain: dataset.companies[0]?.domain,
      industry: dataset.companies[0]?.industry,
      employee_count: dataset.companies[0]?.employeeCount,
      status: 'active',
    });
  });

  it('turn target departments into a text[] and keep costs as jsonb', () => {
    const upsert = workspacesUpsert(dataset.workspaces);
    expect(upsert.text).toContain('ARRAY(SELECT jsonb_array_elements_text(r.target_departments))');
    const [secops] = (JSON.parse(upsert.values[0]) as { workspace_id: string }[]).filter(
      (w) => w.workspace_id === 'ws-secops',
    );
    expect(secops).toEqual({
      workspace_id: 'ws-secops',
      product_category: 'security',
      target_departments: ['security', 'it'],
      change_level: 'enrich',
      cooldown_seconds: 3600,
      level_costs_usd: { identify: 0.1, enrich: 2.5, deep_research: 6 },
    });
  });
});
