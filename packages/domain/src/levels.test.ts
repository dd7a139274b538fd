import {
  DEFAULT_LEVEL_COSTS_USD,
  isPaidLevel,
  parseEnrichmentLevel,
  resolveLevelCosts,
  stageCosts,
  stagesFor,
} from './levels';

describe('enrichment levels', () => {
  it.each([
    ['identify', ['discover', 'save']],
    ['enrich', ['discover', 'enrich', 'save']],
    ['deep_research', ['discover', 'enrich', 'research', 'save']],
  ] as const)('%s runs %j', (level, stages) => {
    expect(stagesFor(level)).toEqual(stages);
  });

  it('charges the default cost per company of each level', () => {
    expect(DEFAULT_LEVEL_COSTS_USD).toEqual({ identify: 0.1, enrich: 2.5, deep_research: 6 });
  });

  it('treats only levels with paid stages as paid', () => {
    expect(isPaidLevel('identify')).toBe(false);
    expect(isPaidLevel('enrich')).toBe(true);
    expect(isPaidLevel('deep_research')).toBe(true);
  });

  it('parses known levels and rejects anything else', () => {
    expect(parseEnrichmentLevel('enrich')).toBe('enrich');
    expect(parseEnrichmentLevel('ENRICH')).toBeUndefined();
    expect(parseEnrichmentLevel('')).toBeUndefined();
  });
});

describe('level costs', () => {
  it('takes valid overrides and ignores the rest', () => {
    expect(resolveLevelCosts({ enrich: 3, deep_research: -1, bogus: 5, identify: 'x' })).toEqual({
      identify: 0.1,
      enrich: 3,
      deep_research: 6,
    });
    expect(resolveLevelCosts(null)).toEqual(DEFAULT_LEVEL_COSTS_USD);
  });

  it('splits a level price across its stages so they add up to it', () => {
    const stages = stageCosts(DEFAULT_LEVEL_COSTS_USD);
    expect(stages.discover).toBeCloseTo(0.1);
    expect(stages.enrich).toBeCloseTo(2.4);
    expect(stages.research).toBeCloseTo(3.5);
    expect(stages.discover + stages.enrich + stages.research).toBeCloseTo(6);
  });
});
