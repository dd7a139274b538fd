/**
 * Runs a store's queries as named (prepared) statements: Postgres parses and plans each text
 * once per connection instead of at every call. The discover step's people read took 12 ms to
 * plan, every batch, against 137 ms to run (250 changes/s, `pg_stat_statements` with
 * `track_planning`). The name is derived from the text, so one text is always one statement and
 * two texts never share a name. Typed structurally, like postgres.ts: services pass `pg.Pool`.
 */
import { createHash } from 'node:crypto';

export interface NamedQueryable {
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The shape stores take: a text and its values. */
export interface TextQueryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export const statementName = (text: string): string =>
  `bgs-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;

export function preparedStatements(db: NamedQueryable): TextQueryable {
  const names = new Map<string, string>();
  return {
    async query<R>(text: string, values?: unknown[]) {
      let name = names.get(text);
      if (name === undefined) {
        name = statementName(text);
        names.set(text, name);
      }
      const { rows } = await db.query({ name, text, ...(values ? { values } : {}) });
      return { rows: rows as R[] };
    },
  };
}
