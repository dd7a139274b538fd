/**
 * The checker's own Postgres client. A fault under test (or another run) may have Postgres
 * restarting when the check begins: a statement that fails for want of a connection is tried
 * again for a while; any other error is the check's to report.
 */
import { Pool } from 'pg';

export interface Queryable {
  query<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  end(): Promise<void>;
}

/** SQLSTATE classes and codes that mean "not now" rather than "wrong". */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006']);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('ECONN'))) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED/i.test(
    error.message,
  );
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function openDatabase(url: string, retryForMs = 60_000): Database {
  const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server is not an error of any query: the next one reconnects.
  pool.on('error', () => undefined);
  return {
    async query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
      const deadline = Date.now() + retryForMs;
      for (;;) {
        try {
          const result = await pool.query(text, [...values]);
          return result.rows as R[];
        } catch (error) {
          if (!isUnavailable(error) || Date.now() >= deadline) throw error;
          await delay(1_000);
        }
      }
    },
    end: () => pool.end(),
  };
}
