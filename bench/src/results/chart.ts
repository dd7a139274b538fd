/**
 * The freshness chart: p50 and p99 freshness against offered rate, ours beside the baseline,
 * drawn by vega-lite and rendered to SVG headless by vega (no browser, no canvas).
 *
 * Both axes are logarithmic: the rates step geometrically (100, 250, 500, 1,000, 2,000, then
 * doubling) and freshness spans milliseconds to seconds between the two systems. A log scale
 * cannot place 0, so points with a non-positive or non-finite value are left out.
 */
import { writeFile } from 'node:fs/promises';

export interface ChartPoint {
  readonly system: 'ours' | 'baseline';
  readonly offeredRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const SYSTEM_LABELS = { ours: 'buyergroup-stream', baseline: 'BullMQ baseline' } as const;
/** Ours first: its lines are drawn first and it leads the legend. */
const SYSTEM_ORDER: readonly string[] = [SYSTEM_LABELS.ours, SYSTEM_LABELS.baseline];
/** The freshness target of issue 9: p99 under 1 s. */
const TARGET_P99_MS = 1000;

interface ChartRow {
  readonly system: string;
  readonly percentile: 'p50' | 'p99';
  readonly offeredRate: number;
  readonly ms: number;
}

const plottable = (value: number): boolean => Number.isFinite(value) && value > 0;

/** One row per (point, percentile), in drawing order. */
export function chartRows(points: readonly ChartPoint[]): ChartRow[] {
  const rows = points.flatMap((point): ChartRow[] =>
    (['p50', 'p99'] as const).map((percentile) => ({
      system: SYSTEM_LABELS[point.system],
      percentile,
      offeredRate: point.offeredRate,
      ms: percentile === 'p50' ? point.p50Ms : point.p99Ms,
    })),
  );
  return rows
    .filter((row) => plottable(row.offeredRate) && plottable(row.ms))
    .sort(
      (a, b) =>
        SYSTEM_ORDER.indexOf(a.system) - SYSTEM_ORDER.indexOf(b.system) ||
        a.percentile.localeCompare(b.percentile) ||
        a.offeredRate - b.offeredRate,
    );
}

const rateDomain = (rates: readonly number[]): { domain?: [number, number] } => {
  const lowest = rates[0];
  const highest = rates[rates.length - 1];
  return lowest === undefined || highest === undefined
    ? {}
    : { domain: [lowest / 1.15, highest * 1.15] };
};

/** How a row is drawn: rate on x, freshness on y, a colour per system, a dash per percentile. */
function lineEncoding(rates: readonly number[]): object {
  return {
    x: {
      field: 'offeredRate',
      type: 'quantitative',
      title: 'offered rate (changes/s)',
      // Fitted to the rates run, with a little room, not rounded to the next power of 10.
      scale: { type: 'log', nice: false, ...rateDomain(rates) },
      axis: { values: rates, format: ',d', grid: true },
    },
    y: {
      field: 'ms',
      type: 'quantitative',
      title: 'freshness (ms)',
      scale: { type: 'log' },
      axis: { format: ',~r', grid: true },
    },
    color: {
      field: 'system',
      type: 'nominal',
      title: 'system',
      scale: {
        domain: [SYSTEM_LABELS.ours, SYSTEM_LABELS.baseline],
        range: ['#1f77b4', '#e45756'],
      },
    },
    strokeDash: {
      field: 'percentile',
      type: 'nominal',
      title: 'percentile',
      scale: {
        domain: ['p50', 'p99'],
        range: [
          [1, 0],
          [6, 4],
        ],
      },
    },
    shape: {
      field: 'percentile',
      type: 'nominal',
      title: 'percentile',
      scale: { domain: ['p50', 'p99'], range: ['circle', 'square'] },
    },
    tooltip: [
      { field: 'system' },
      { field: 'percentile' },
      { field: 'offeredRate', title: 'offered rate' },
      { field: 'ms', title: 'freshness (ms)' },
    ],
  };
}

/** The p99 target as a dashed rule across the chart, labelled at its left end. */
const targetLayer = (): object => ({
  data: { values: [{ ms: TARGET_P99_MS, label: 'p99 target 1 s' }] },
  layer: [
    {
      mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
      encoding: { y: { field: 'ms', type: 'quantitative' } },
    },
    {
      mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#666' },
      encoding: {
        y: { field: 'ms', type: 'quantitative' },
        x: { value: 0 },
        text: { field: 'label' },
      },
    },
  ],
});

/** A vega-lite spec of the chart. Pure. */
export function freshnessChartSpec(points: readonly ChartPoint[]): object {
  const rows = chartRows(points);
  const rates = [...new Set(rows.map((row) => row.offeredRate))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Freshness against offered rate',
      subtitle: 'from the change (row commit or webhook accepted) to the saved group; log scales',
    },
    width: 640,
    height: 360,
    background: 'white',
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2 },
        encoding: lineEncoding(rates),
      },
      targetLayer(),
    ],
  };
}

/** vega-lite and vega are ESM-only: loaded with import(), which the CommonJS build keeps. */
async function loadVega() {
  const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  return { vegaLite, vega };
}

/** Renders the chart headless (vega's 'none' renderer) and writes it as SVG. */
export async function renderFreshnessChart(
  points: readonly ChartPoint[],
  svgPath: string,
): Promise<void> {
  const { vegaLite, vega } = await loadVega();
  // The spec is built above from vega-lite's own vocabulary; its types are too wide to spell here.
  const compiled = vegaLite.compile(
    freshnessChartSpec(points) as Parameters<typeof vegaLite.compile>[0],
  );
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    await writeFile(svgPath, await view.toSVG());
  } finally {
    view.finalize();
  }
}
