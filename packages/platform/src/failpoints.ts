/**
 * Named places where a process can be told to stop dead, so tests can kill it at exactly the
 * moment a guarantee is most at risk (say, between a database commit and an offset commit).
 * Off unless FAILPOINTS names them; a reached failpoint logs and then never returns.
 */
import type { Logger } from 'winston';

export interface Failpoints {
  reach(name: string): Promise<void>;
}

export function createFailpoints(names: readonly string[], logger: Logger): Failpoints {
  const enabled = new Set(names);
  return {
    async reach(name) {
      if (!enabled.has(name)) return;
      logger.warn('failpoint reached; waiting to be killed', {
        event: 'failpoint',
        failpoint: name,
      });
      await new Promise<never>(() => undefined);
    },
  };
}
