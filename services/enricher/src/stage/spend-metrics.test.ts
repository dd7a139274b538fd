import { Registry } from 'prom-client';
import { BUDGET_GAUGE, SPEND_COUNTER, spendMetrics } from './spend-metrics';

/** The samples of one series, as `{ workspace: value }`. */
async function byWorkspace(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.workspace), v.value]));
}

describe('spendMetrics', () => {
  it('adds up what each workspace spent', async () => {
    const registry = new Registry();
    const spend = spendMetrics(registry);
    spend.spent('ws-1', 2.4);
    spend.spent('ws-1', 3.5);
    spend.spent('ws-2', 2.4);
    expect(await byWorkspace(registry, SPEND_COUNTER)).toEqual({ 'ws-1': 5.9, 'ws-2': 2.4 });
  });

  it('counts nothing for a purchase that cost nothing', async () => {
    const registry = new Registry();
    spendMetrics(registry).spent('ws-1', 0);
    expect(await byWorkspace(registry, SPEND_COUNTER)).toEqual({});
  });

  it('sets the budgets loaded, and drops one that is gone', async () => {
    const registry = new Registry();
    const spend = spendMetrics(registry);
    spend.budgetsLoaded(
      ['ws-1', 'ws-2', 'ws-3'],
      new Map([
        ['ws-1', 100],
        ['ws-2', 250.5],
      ]),
    );
    expect(await byWorkspace(registry, BUDGET_GAUGE)).toEqual({ 'ws-1': 100, 'ws-2': 250.5 });
    // ws-2's budget was taken away; ws-1 was not among those loaded, so it stays as it was.
    spend.budgetsLoaded(['ws-2'], new Map());
    expect(await byWorkspace(registry, BUDGET_GAUGE)).toEqual({ 'ws-1': 100 });
  });

  it('shares one set of series per registry', async () => {
    const registry = new Registry();
    spendMetrics(registry).spent('ws-1', 1);
    spendMetrics(registry).spent('ws-1', 2);
    expect(await byWorkspace(registry, SPEND_COUNTER)).toEqual({ 'ws-1': 3 });
  });
});
