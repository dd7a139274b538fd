import { DEFAULT_LEVEL_COSTS_USD } from '@bgs/domain';
import type { Queryable } from './queryable';
import { budgetOf, createPgWorkspaceCosts } from './workspace-costs';

describe('budgetOf', () => {
  it('reads a numeric as node-postgres returns it', () => {
    expect(budgetOf('250.00')).toBe(250);
    expect(budgetOf('0.00')).toBe(0);
    expect(budgetOf(12.5)).toBe(12.5);
  });

  it('is no budget for null, nothing, or what is not an amount', () => {
    expect(budgetOf(null)).toBeUndefined();
    expect(budgetOf(undefined)).toBeUndefined();
    expect(budgetOf('')).toBeUndefined();
    expect(budgetOf('abc')).toBeUndefined();
    expect(budgetOf('-1')).toBeUndefined();
  });
});

describe('createPgWorkspaceCosts', () => {
  const rows = [
    { workspace_id: 'ws-1', level_costs_usd: { enrich: 3 }, provider_budget_usd: '100.00' },
    { workspace_id: 'ws-2', level_costs_usd: {}, provider_budget_usd: null },
  ];

  function fakeDb(): Queryable & { readonly statements: string[] } {
    const statements: string[] = [];
    return {
      statements,
      async query<R>(text: string) {
        statements.push(text);
        return { rows: rows as R[] };
      },
    };
  }

  it('loads prices and budgets in one query', async () => {
    const db = fakeDb();
    const prices = await createPgWorkspaceCosts(db).forWorkspaces(['ws-1', 'ws-2', 'ws-3']);
    expect(db.statements).toHaveLength(1);
    expect(prices.get('ws-1')).toEqual({ ...DEFAULT_LEVEL_COSTS_USD, enrich: 3 });
    expect(prices.get('ws-2')).toEqual(DEFAULT_LEVEL_COSTS_USD);
    expect(prices.has('ws-3')).toBe(false);
    expect([...prices.budgetsUsd]).toEqual([['ws-1', 100]]);
  });

  it('asks nothing for no workspace', async () => {
    const db = fakeDb();
    const prices = await createPgWorkspaceCosts(db).forWorkspaces([]);
    expect(db.statements).toEqual([]);
    expect(prices.budgetsUsd.size).toBe(0);
  });
});
