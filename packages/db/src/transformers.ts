import type { ValueTransformer } from 'typeorm';

/**
 * node-postgres returns `bigint` and `numeric` as strings (to avoid silent precision
 * loss). Our bigint columns (generation) and numeric columns (scores, cost) are exposed
 * as JavaScript numbers instead, through these transformers:
 * - bigint -> number, refusing anything beyond Number.MAX_SAFE_INTEGER rather than rounding;
 * - numeric -> number (the columns hold at most a few decimals, well within a double).
 * Values written go to the driver unchanged: pg serialises numbers exactly.
 */

export function parseSafeInteger(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`bigint value ${String(value)} is not a safe JavaScript integer`);
  }
  return n;
}

export function parseDecimal(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    throw new RangeError(`numeric value ${String(value)} is not a finite number`);
  }
  return n;
}

function nullable<T>(parse: (value: string | number) => T) {
  return (value: string | number | null | undefined): T | null | undefined =>
    value === null || value === undefined ? value : parse(value);
}

export const bigintToNumber: ValueTransformer = {
  to: (value: unknown) => value,
  from: nullable(parseSafeInteger),
};

export const numericToNumber: ValueTransformer = {
  to: (value: unknown) => value,
  from: nullable(parseDecimal),
};
