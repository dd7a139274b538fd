import type { BenchOptions } from '../../args';
import type { BenchStack } from '../../systems/stack';
export async function runIngress(
  _s: BenchStack,
  _o: BenchOptions,
  _a: AbortSignal,
): Promise<number> {
  throw new Error('not yet');
}
