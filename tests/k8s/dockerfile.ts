/**
 * The repository's Dockerfile, read stage by stage: what each build target ships and how its
 * image runs (working directory, user, environment, default command).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './render';

export interface DockerStage {
  readonly name: string;
  readonly workdir: string | undefined;
  readonly user: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Destinations of `COPY --from=<stage> ...` lines. */
  readonly copiedFromStages: readonly string[];
  readonly cmd: readonly string[] | undefined;
}

/** Instructions joined across line continuations, comments and blank lines left out. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `ENV A=1 B=2` → { A: '1', B: '2' } (the only ENV form the Dockerfile uses). */
function envPairs(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function stageOf(name: string, lines: readonly string[]): DockerStage {
  let workdir: string | undefined;
  let user: string | undefined;
  let cmd: string[] | undefined;
  const env: Record<string, string> = {};
  const copied: string[] = [];
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'WORKDIR':
        workdir = args;
        break;
      case 'USER':
        user = args;
        break;
      case 'ENV':
        Object.assign(env, envPairs(args));
        break;
      case 'CMD':
        cmd = JSON.parse(args) as string[];
        break;
      case 'COPY':
        if (rest[0]?.startsWith('--from=')) copied.push(rest.at(-1) ?? '');
        break;
    }
  }
  return { name, workdir, user, env, copiedFromStages: copied, cmd };
}

/** Every stage of the Dockerfile, in order; the last is what a build without --target makes. */
export function dockerStages(): DockerStage[] {
  const stages: { name: string; lines: string[] }[] = [];
  for (const line of instructions(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'))) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?\S+(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ name: (from[1] ?? String(stages.length)).toLowerCase(), lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages.map((stage) => stageOf(stage.name, stage.lines));
}
