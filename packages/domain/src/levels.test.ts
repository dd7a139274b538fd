import { DEFAULT_LEVEL_COSTS_USD, isPaidLevel, parseEnrichmentLevel, stagesFor } from './levels';

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
