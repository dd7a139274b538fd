import { createRandom, generateDataset, Workforce } from '@bgs/demo';
import { kindWeights, Planner } from './planner';

const workforce = () => {
  const dataset = generateDataset({ companies: 12, seed: 3 });
  return new Workforce(dataset.companies, dataset.people);
};

describe('Planner', () => {
  it('makes only webhooks for the webhook mix', () => {
    const planner = new Planner(workforce(), createRandom(1), () => 1, 'webhook');
    const vias = new Set(Array.from({ length: 300 }, () => planner.plan(() => true)?.via));
    expect([...vias]).toEqual(['webhook']);
    expect(kindWeights('webhook').every(([kind]) => kind.via === 'webhook')).toBe(true);
  });

  it('makes SQL writes and webhooks for the mix, applied as planned', () => {
    const people = workforce();
    const planner = new Planner(people, createRandom(2), () => 1, 'mixed');
    const vias = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const change = planner.plan(() => true);
      if (!change) continue;
      vias.add(change.via);
      if (change.via === 'sql') people.apply(change.row);
    }
    expect([...vias].sort()).toEqual(['sql', 'webhook']);
  });

  it('leaves alone the people who are not available', () => {
    const people = workforce();
    const busy = new Set(
      people
        .all()
        .slice(0, 300)
        .map((p) => p.id),
    );
    const planner = new Planner(people, createRandom(4), () => 1, 'webhook');
    for (let i = 0; i < 200; i++) {
      const change = planner.plan((id) => !busy.has(id));
      if (change) expect(busy.has(change.personId)).toBe(false);
    }
  });
});
