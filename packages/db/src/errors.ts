/**
 * Turning database errors into one clear line for a person: where we tried to connect
 * (host:port, never the password) and what went wrong, without a stack trace.
 */

export interface DbEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Host, port, database and user of a postgres:// URL. Throws on a malformed URL. */
export function describeEndpoint(url: string): DbEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('the database URL is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`the database URL must start with postgres://, not ${parsed.protocol}//`);
  }
  const hostParam = parsed.searchParams.get('host');
  const host = hostParam ?? (decodeURIComponent(parsed.hostname) || 'localhost');
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return { host, port, database, user: decodeURIComponent(parsed.username) };
}

/** The URL with its password replaced by `***`; safe to log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid database URL>';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Server states in which retrying later may work (SQLSTATE class 08 counts too). */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/**
 * A failure of the connection rather than of the statement: a caller answering someone should
 * say "retry later" (503), not "broken" (500).
 */
export function isTransientDbError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) ||
      code === 'EPIPE' ||
      TRANSIENT_SQLSTATES.has(code) ||
      code.startsWith('08'))
  ) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(
    message,
  );
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node reports a failure to reach every address of a host as an AggregateError.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const e of inner) {
      const c = errorCode(e);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message !== '') return err.message;
  if (err instanceof AggregateError) return 'connection failed';
  return String(err);
}

function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password.length > 0) out = out.split(password).join('***');
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

/** One line explaining `err`, naming host:port and never the password in `url`. */
export function describeDbError(err: unknown, url: string): string {
  let where: string;
  try {
    const ep = describeEndpoint(url);
    where = `${ep.host}:${ep.port}` + (ep.database ? `/${ep.database}` : '');
    const code = errorCode(err);
    if (code !== undefined && NETWORK_CODES.has(code)) {
      return `cannot reach Postgres at ${ep.host}:${ep.port} (${code}): is the server running?`;
    }
    if (err instanceof Error && /timeout/i.test(err.message) && /connect/i.test(err.message)) {
      return `cannot reach Postgres at ${ep.host}:${ep.port}: connection timed out`;
    }
    const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : '';
    return scrub(`Postgres at ${where}: ${errorMessage(err)}${sqlState}`, url);
  } catch (urlError) {
    return errorMessage(urlError);
  }
}
