/**
 * The launcher's promises: `status` shows every part with its port, PID and health, and
 * `up` on a running stack reuses what runs instead of starting a second copy, and refuses a
 * Kafka cluster size its data was not made for.
 */
import { readFileSync } from 'node:fs';
import { repoRoot, requireStack, stackCommand } from '../helpers/stack';

const PARTS = [
  'postgres',
  'kafka',
  'registry',
  'connect',
  'ingress',
  'refresher',
  'enricher',
  'sink',
];

interface PartStatus {
  readonly port: number;
  readonly pid: number;
  readonly health: string;
}

function parseStatus(output: string): Map<string, PartStatus> {
  const rows = new Map<string, PartStatus>();
  for (const line of output.split('\n')) {
    const match = /^(\w+)\s+(\d+)\s+(\d+|-)\s+(\w+)/.exec(line.trim());
    if (match) {
      const [, name, port, pid, health] = match;
      rows.set(name!, { port: Number(port), pid: Number(pid), health: health! });
    }
  }
  return rows;
}

const commandLine = (pid: number): string =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');

describe('deploy/local/stack', () => {
  beforeAll(requireStack);

  it('status lists every part healthy, on its port, with a live process of this checkout', async () => {
    const status = parseStatus(await stackCommand('status'));
    // Prometheus is listed only while it runs (`up --observability`), after every other part.
    status.delete('prometheus');
    expect([...status.keys()]).toEqual(PARTS);
    for (const [part, row] of status) {
      expect({ part, health: row.health }).toEqual({ part, health: 'healthy' });
      expect(row.port).toBeGreaterThan(1024);
      // The PID is a process this checkout started: its command line names our files.
      expect(commandLine(row.pid)).toContain(repoRoot);
    }
  });

  it('up on a running stack reuses every process', async () => {
    const before = parseStatus(await stackCommand('status'));
    const output = await stackCommand('up');
    for (const part of PARTS) expect(output).toContain(`${part} already running`);
    const after = parseStatus(await stackCommand('status'));
    for (const part of PARTS) expect(after.get(part)?.pid).toBe(before.get(part)?.pid);
  });

  it('up refuses a broker count its Kafka storage was not formatted for, and says what to do', async () => {
    await expect(stackCommand('up', '--brokers', '3')).rejects.toThrow(
      /formatted for 1 broker\(s\), not 3: `\.\/bgs reset` deletes its data/,
    );
    await expect(stackCommand('up', '--brokers', 'two')).rejects.toThrow(
      /--brokers needs a count from 1 to 5, not 'two'/,
    );
    expect(parseStatus(await stackCommand('status')).get('kafka')?.health).toBe('healthy');
  });
});
