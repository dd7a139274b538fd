/**
 * Plain-text tables for the terminal and the closing note, and the number formats they use.
 * The first column (labels) is left-aligned, the others (figures) right-aligned, so digits line
 * up.
 */

const COLUMN_GAP = '  ';

export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const columns = Math.max(headers.length, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max([...(headers[c] ?? '')].length, ...rows.map((row) => [...(row[c] ?? '')].length)),
  );
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, c) => {
        const cell = cells[c] ?? '';
        const padding = ' '.repeat(width - [...cell].length);
        return c === 0 ? cell + padding : padding + cell;
      })
      .join(COLUMN_GAP)
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join(COLUMN_GAP);
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export const NONE = '–';

/** ours / baseline: "0.42×", "3.1×", "60×"; "–" when either is missing or the baseline is 0. */
export function formatRatio(ours: number | undefined, baseline: number | undefined): string {
  if (ours === undefined || baseline === undefined || baseline === 0) return NONE;
  const ratio = ours / baseline;
  if (!Number.isFinite(ratio)) return NONE;
  const digits = ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2;
  return `${ratio.toFixed(digits)}×`;
}

/** "7.9 ms", "148 ms", "1.43 s", "15.4 s"; "–" when undefined. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "2,000/s", "387/s", "6.5/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return NONE;
  if (perSecond > 0 && perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}
