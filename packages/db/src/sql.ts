/** Small pure helpers that build SQL fragments for entity CHECK constraints. */

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"column" IN ('a', 'b')` — the values are quoted as SQL string literals. */
export function sqlIn(column: string, values: readonly string[]): string {
  if (values.length === 0) {
    throw new Error(`sqlIn(${column}): the value list is empty`);
  }
  return `${quoteIdentifier(column)} IN (${values.map(quoteLiteral).join(', ')})`;
}

/** `"column" BETWEEN min AND max` for finite numbers. */
export function sqlBetween(column: string, min: number, max: number): string {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new Error(`sqlBetween(${column}): invalid range ${min}..${max}`);
  }
  return `${quoteIdentifier(column)} BETWEEN ${min} AND ${max}`;
}
