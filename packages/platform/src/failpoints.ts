/**
 * Named places where a process can be told to stop dead, so tests can kill it at exactly the
 * moment a guarantee is most at risk (say, between a database commit and an offset commit).
 * Off unless FAILPOINTS names them: `name` stops every time, `name@prefix` only when one of
 * the subjects passed (company ids, say) starts with the prefix. A reached failpoint logs and
 * then never returns.
 */
import type { Logger } from 'winston';

export interface Failpoints {
  reach(name: string, subjects?: readonly string[]): Promise<void>;
}

export interface FailpointSpec {
  readonly name: string;
  readonly prefix?: string;
}

/** Parses `name` and `name@prefix` entries; names must be in `known`. */
export function parseFailpoints(
  raw: string,
  known: readonly string[],
): { ok: true; value: FailpointSpec[] } | { ok: false; reason: string } {
  const specs: FailpointSpec[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const [name = '', prefix] = entry.split('@', 2);
    if (!known.includes(name)) {
      return { ok: false, reason: `unknown failpoint ${name}; known: ${known.join(', ')}` };
    }
    specs.push(prefix ? { name, prefix } : { name });
  }
  return { ok: true, value: specs };
}

export function createFailpoints(specs: readonly FailpointSpec[], logger: Logger): Failpoints {
  return {
    async reach(name, subjects = []) {
      const hit = specs.some(
        (spec) =>
          spec.name === name &&
          (spec.prefix === undefined || subjects.some((s) => s.startsWith(spec.prefix as string))),
      );
      if (!hit) return;
      logger.warn('failpoint reached; waiting to be killed', {
        event: 'failpoint',
        failpoint: name,
      });
      await new Promise<never>(() => undefined);
    },
  };
}
