import type { Stage } from '../kafka/topics';

export interface Position {
  readonly partition: number;
  readonly offset: string;
}

export type DeadLetterCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'list'; readonly stage: Stage }
  | {
      readonly kind: 'show';
      readonly stage: Stage;
      readonly positions: readonly Position[];
      /** Print e-mail addresses and phone numbers as they are instead of masked. */
      readonly reveal: boolean;
    }
  | { readonly kind: 'replay'; readonly stage: Stage; readonly positions: readonly Position[] }
  | { readonly kind: 'replay-all'; readonly stage: Stage };

export const REVEAL_FLAG = '--reveal';

export const USAGE = `usage: dead-letters list <stage>
       dead-letters show <stage> [--reveal] <partition>:<offset>...
       dead-letters replay <stage> <partition>:<offset>... | --all
       dead-letters help

list and show mask e-mail addresses and phone numbers ([email], [phone]) in what they print:
dead letters hold personal data. show --reveal prints them as they are.`;

export function parseDeadLetterArgs(
  args: readonly string[],
  stages: readonly Stage[],
): { ok: true; command: DeadLetterCommand } | { ok: false; error: string } {
  const [verb, stageName, ...rest] = args;
  const fail = (why: string) => ({ ok: false as const, error: `${why}\n${USAGE}` });
  if (verb !== undefined && ['help', '--help', '-h'].includes(verb)) {
    return { ok: true, command: { kind: 'help' } };
  }
  if (verb === undefined || !['list', 'show', 'replay'].includes(verb)) {
    return fail(`unknown command ${JSON.stringify(verb ?? '')}`);
  }
  const stage = stages.find((s) => s === stageName);
  if (!stage)
    return fail(`unknown stage ${JSON.stringify(stageName ?? '')}; stages: ${stages.join(', ')}`);
  const reveal = rest.includes(REVEAL_FLAG);
  if (reveal && verb !== 'show') return fail(`${REVEAL_FLAG} is for show only`);
  const targets = rest.filter((arg) => arg !== REVEAL_FLAG);
  if (verb === 'list') {
    return targets.length === 0
      ? { ok: true, command: { kind: 'list', stage } }
      : fail('list takes no positions');
  }
  if (verb === 'replay' && targets.length === 1 && targets[0] === '--all') {
    return { ok: true, command: { kind: 'replay-all', stage } };
  }
  if (targets.length === 0) return fail(`${verb} needs at least one <partition>:<offset>`);
  const positions: Position[] = [];
  for (const raw of targets) {
    const match = /^(\d{1,4}):(\d{1,19})$/.exec(raw);
    if (!match) return fail(`not a <partition>:<offset>: ${JSON.stringify(raw)}`);
    positions.push({ partition: Number(match[1]), offset: String(BigInt(match[2] as string)) });
  }
  return verb === 'show'
    ? { ok: true, command: { kind: 'show', stage, positions, reveal } }
    : { ok: true, command: { kind: 'replay', stage, positions } };
}
