import { chartRows, freshnessChartSpec, type ChartPoint } from './chart';

const points: ChartPoint[] = [
  { system: 'ours', offeredRate: 500, p50Ms: 45, p99Ms: 400 },
  { system: 'baseline', offeredRate: 100, p50Ms: 7.9, p99Ms: 19 },
  { system: 'ours', offeredRate: 100, p50Ms: 35, p99Ms: 180 },
  { system: 'baseline', offeredRate: 250, p50Ms: 0, p99Ms: 148 },
];

interface LineLayer {
  data: { values: unknown[] };
  mark: { type: string };
  encoding: Record<
    string,
    { field?: string; scale?: Record<string, unknown>; axis?: { values?: number[] } }
  >;
}

const lineLayer = (spec: object): LineLayer =>
  (spec as { layer: LineLayer[] }).layer[0] as LineLayer;

describe('chartRows', () => {
  it('gives one row per percentile, labelled by system, in drawing order', () => {
    expect(chartRows(points)).toEqual([
      { system: 'buyergroup-stream', percentile: 'p50', offeredRate: 100, ms: 35 },
      { system: 'buyergroup-stream', percentile: 'p50', offeredRate: 500, ms: 45 },
      { system: 'buyergroup-stream', percentile: 'p99', offeredRate: 100, ms: 180 },
      { system: 'buyergroup-stream', percentile: 'p99', offeredRate: 500, ms: 400 },
      { system: 'BullMQ baseline', percentile: 'p50', offeredRate: 100, ms: 7.9 },
      { system: 'BullMQ baseline', percentile: 'p99', offeredRate: 100, ms: 19 },
      { system: 'BullMQ baseline', percentile: 'p99', offeredRate: 250, ms: 148 },
    ]);
  });
});

describe('freshnessChartSpec', () => {
  const spec = freshnessChartSpec(points);
  const layer = lineLayer(spec);

  it('is a vega-lite spec', () => {
    expect(spec).toMatchObject({ $schema: expect.stringContaining('vega-lite') });
  });

  it('draws freshness in ms on a log y against the offered rate on x', () => {
    expect(layer.mark.type).toBe('line');
    expect(layer.encoding.x).toMatchObject({ field: 'offeredRate', scale: { type: 'log' } });
    expect(layer.encoding.y).toMatchObject({ field: 'ms', scale: { type: 'log' } });
    expect(layer.encoding.x?.axis?.values).toEqual([100, 250, 500]);
  });

  it('tells the systems apart by colour and the percentiles by dash and shape', () => {
    expect(layer.encoding.color).toMatchObject({ field: 'system' });
    expect(layer.encoding.color?.scale?.domain).toEqual(['buyergroup-stream', 'BullMQ baseline']);
    expect(layer.encoding.strokeDash).toMatchObject({ field: 'percentile' });
    expect(layer.encoding.shape).toMatchObject({ field: 'percentile' });
  });

  it('leaves out values a log scale cannot place', () => {
    expect(layer.data.values).toHaveLength(7);
  });

  it('marks the 1 s target', () => {
    expect(JSON.stringify((spec as { layer: unknown[] }).layer[1])).toContain('"ms":1000');
  });

  it('is built for no points without failing', () => {
    expect(lineLayer(freshnessChartSpec([])).data.values).toEqual([]);
  });
});
