import type { Stage } from '../kafka/topics';

export interface Position {
  readonly partition: number;
  readonly offset: string;
}

export type DeadLetterCommand =
  | { readonly kind: 'list'; readonly stage: Stage }
  | { readonly kind: 'show'; readonly stage: Stage; readonly positions: readonly Position[] }
  | { readonly kind: 'replay'; readonly stage: Stage; readonly positions: readonly Position[] }
  | { readonly kind: 'replay-all'; readonly stage: Stage };

export const USAGE = `usage: dead-letters list <stage>
       dead-letters show <stage> <partition>:<offset>...
       dead-letters replay <stage> <partition>:<offset>... | --all`;

export function parseDeadLetterArgs(
  args: readonly string[],
  stages: readonly Stage[],
): { ok: true; command: DeadLetterCommand } | { ok: false; error: string } {
  const [verb, stageName, ...rest] = args;
  const fail = (why: string) => ({ ok: false as const, error: `${why}\n${USAGE}` });
  if (verb === undefined || !['list', 'show', 'replay'].includes(verb)) {
    return fail(`unknown command ${JSON.stringify(verb ?? '')}`);
  }
  const stage = stages.find((s) => s === stageName);
  if (!stage)
    return fail(`unknown stage ${JSON.stringify(stageName ?? '')}; stages: ${stages.join(', ')}`);
  if (verb === 'list') {
    return rest.length === 0
      ? { ok: true, command: { kind: 'list', stage } }
      : fail('list takes no positions');
  }
  if (verb === 'replay' && rest.length === 1 && rest[0] === '--all') {
    return { ok: true, command: { kind: 'replay-all', stage } };
  }
  if (rest.length === 0) return fail(`${verb} needs at least one <partition>:<offset>`);
  const positions: Position[] = [];
  for (const raw of rest) {
    const match = /^(\d{1,4}):(\d{1,19})$/.exec(raw);
    if (!match) return fail(`not a <partition>:<offset>: ${JSON.stringify(raw)}`);
    positions.push({ partition: Number(match[1]), offset: String(BigInt(match[2] as string)) });
  }
  return { ok: true, command: { kind: verb as 'show' | 'replay', stage, positions } };
}
