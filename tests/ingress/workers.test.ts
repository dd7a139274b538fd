/**
 * INGRESS_WORKERS=2: the real ingress as a node:cluster primary and two workers sharing one
 * port, against the stack. Concurrent duplicates spread over both processes still make one
 * record (the claim lives in Postgres); /metrics answers for both workers, whichever answers;
 * a killed worker is replaced; SIGTERM stops every worker and the primary exits 0.
 *
 * Which worker holds a connection is read from /proc (Linux): the product exposes no per-process
 * label, and needs none.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSchemaCodec, Topics, type PersonChangeRecord } from '@bgs/platform';
import { postSignedWebhook, roleChange } from '../helpers/ingress';
import { spawnIngress, type ServiceLogLine, type IngressProcess } from '../helpers/service-process';
import { requireStack, stack, uniqueName } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';

const SECRET = 'whsec_' + Buffer.from('ingress-workers-test-secret-0001').toString('base64');
/** Test 1's source, and test 2's, whose counter no other delivery touches. */
const source = uniqueName('workers');
const counted = uniqueName('counted');

let dir: string;
let ingress: IngressProcess;
let topic: TopicReader<PersonChangeRecord>;
/** Every worker pid seen, to prove none is left after SIGTERM. */
const workersSeen = new Set<number>();

const events = (event: string): ServiceLogLine[] =>
  ingress.lines.filter((line) => line.event === event);
const post = (event: object, to = source) => postSignedWebhook(ingress, to, SECRET, event);
const recordsOf = (eventId: unknown) => topic.records.filter((r) => r.value.eventId === eventId);

/** The live children of `pid` (the primary's workers), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which of `pids` holds the server side of the TCP connection the client made from
 * `clientPort`: the socket's inode in /proc/net/tcp{,6}, then the process with that inode open.
 */
function ownerOf(clientPort: number, pids: readonly number[]): number | undefined {
  const hex = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');
  let inode: string | undefined;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      const [local, remote, state] = [fields[1], fields[2], fields[3]];
      if (local?.endsWith(`:${hex(ingress.port)}`) && remote?.endsWith(`:${hex(clientPort)}`)) {
        if (state === '01') inode = fields[9];
      }
    }
  }
  if (inode === undefined) return undefined;
  return pids.find((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false;
      }
    }),
  );
}

/** GET over a keep-alive agent of one connection: the same worker answers each time. */
async function get(
  agent: http.Agent,
  route: string,
): Promise<{ status: number; body: string; clientPort: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port: ingress.port, path: route, agent },
      (response) => {
        const clientPort = response.socket.localPort ?? 0;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, clientPort }));
      },
    );
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${route} timed out`)));
  });
}

/** The sum of `ingress_webhooks_total` for `from` with status 202 in a /metrics body. */
function acceptedIn(metrics: string, from: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const sample = /^ingress_webhooks_total\{([^}]*)\} (\S+)$/.exec(line);
    const labels = sample?.[1]?.split(',') ?? [];
    if (labels.includes(`source="${from}"`) && labels.includes('status="202"')) {
      total += Number(sample?.[2]);
    }
  }
  return total;
}

/** The primary's worker processes now; each is remembered, to check none outlives it. */
function currentWorkers(): number[] {
  const pid = ingress?.child.pid;
  const pids = pid ? childrenOf(pid) : [];
  for (const pid of pids) workersSeen.add(pid);
  return pids;
}

const twoWorkers = (): Promise<number[]> =>
  waitFor(
    () => {
      const pids = currentWorkers();
      return pids.length === 2 && pids;
    },
    {
      timeoutMs: 30_000,
      description: 'two worker processes under the primary',
    },
  );

beforeAll(async () => {
  await requireStack();
  dir = mkdtempSync(path.join(tmpdir(), 'bgs-workers-'));
  const sourcesFile = path.join(dir, 'webhook-sources.json');
  const declare = { scheme: 'standard-webhooks', secrets: [{ value: SECRET }] };
  writeFileSync(
    sourcesFile,
    JSON.stringify({ sources: { [source]: declare, [counted]: declare } }),
  );

  ingress = await spawnIngress(sourcesFile, { INGRESS_WORKERS: '2' });

  const codec = createSchemaCodec({ url: stack.registryUrl });
  topic = await readTopic<PersonChangeRecord>(
    Topics.personChanges,
    async (value) => (await codec.decode(value)) as PersonChangeRecord,
  );
  // Both workers started (each logs `started` once its runtime is up), not only the first.
  await waitFor(() => events('started').length >= 2, {
    timeoutMs: 60_000,
    description: `both ingress workers to start on ${ingress.port} (stderr: ${ingress.stderr()})`,
  });
  await ingress.ready(30_000);
  await twoWorkers();
});

afterAll(async () => {
  await topic?.stop();
  // Only if an assertion failed before SIGTERM: never leave a process behind.
  ingress?.kill();
  for (const pid of workersSeen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('50 concurrent deliveries of one event over both workers: one 202, the rest 200, one record', async () => {
  const event = roleChange();
  const answers = await Promise.all(Array.from({ length: 50 }, () => post(event)));
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 202)).toHaveLength(1);
  expect(statuses.filter((status) => status === 200)).toHaveLength(49);

  await topic.caughtUp();
  expect(recordsOf(event.id)).toHaveLength(1);
});

it('both workers answer, and each answers /metrics with the sum over both', async () => {
  const accepted = 20;
  const answers = await Promise.all(
    Array.from({ length: accepted }, () => post(roleChange(), counted)),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(accepted).fill(202));

  // Connections the primary hands out in turn: with eight, each worker holds some.
  const pids = await twoWorkers();
  const agents = Array.from(
    { length: 8 },
    () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
  );
  try {
    const owners = new Map<number, { agent: http.Agent; clientPort: number }>();
    for (const agent of agents) {
      const { status, clientPort } = await get(agent, '/healthz');
      expect(status).toBe(200);
      const owner = await waitFor(() => ownerOf(clientPort, pids), {
        timeoutMs: 5_000,
        description: `the worker holding the connection from port ${clientPort}`,
      });
      owners.set(owner, { agent, clientPort });
    }
    expect([...owners.keys()].sort()).toEqual([...pids].sort());

    // Each worker saw only part of the deliveries, yet each reports all of them; the same
    // connection (client port) as above, so it is that worker answering.
    for (const [owner, { agent, clientPort }] of owners) {
      const metrics = await get(agent, '/metrics');
      expect({ owner, status: metrics.status, clientPort: metrics.clientPort }).toEqual({
        owner,
        status: 200,
        clientPort,
      });
      expect({ owner, accepted: acceptedIn(metrics.body, counted) }).toEqual({ owner, accepted });
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
});

it('a killed worker is replaced, and deliveries go on being accepted', async () => {
  const [victim, survivor] = await twoWorkers();
  const startedBefore = events('started').length;
  process.kill(Number(victim), 'SIGKILL');

  const [exit] = await waitFor(
    () => {
      const found = events('worker_exited').filter((line) => line.pid === victim);
      return found.length > 0 && found;
    },
    { timeoutMs: 10_000, description: `the primary to log the death of worker ${victim}` },
  );
  expect(exit).toMatchObject({ level: 'error', role: 'cluster-primary', signal: 'SIGKILL' });
  const replaced = await waitFor(
    () => {
      const pids = currentWorkers();
      const renewed = pids.includes(Number(survivor)) && !pids.includes(Number(victim));
      return pids.length === 2 && renewed && pids;
    },
    { timeoutMs: 30_000, description: `a new worker in place of ${victim}` },
  );
  await waitFor(() => events('started').length > startedBefore, {
    timeoutMs: 60_000,
    description: `the replacement worker (${replaced.join(', ')}) to start`,
  });

  const fresh = Array.from({ length: 10 }, () => roleChange());
  const answers = await Promise.all(fresh.map((event) => post(event)));
  expect(answers.map((answer) => answer.status)).toEqual(Array(fresh.length).fill(202));
  await topic.caughtUp();
  for (const event of fresh) expect(recordsOf(event.id)).toHaveLength(1);
});

it('SIGTERM stops every worker and the primary exits 0', async () => {
  const pids = await twoWorkers();
  ingress.child.kill('SIGTERM');
  const code = await waitFor(() => ingress.exited, {
    timeoutMs: 40_000,
    description: 'the primary to exit after SIGTERM',
  });
  expect(code).toBe(0);
  expect(
    events('shutdown_complete').filter((line) => line.role === 'cluster-primary'),
  ).toHaveLength(1);
  // Each worker stopped its parts as a single process does.
  expect(events('shutdown_complete').filter((line) => line.role === undefined)).toHaveLength(2);
  expect([...pids, ...workersSeen].filter(alive)).toEqual([]);
});
