/**
 * Secret rotation in the real ingress process: it reads WEBHOOK_SOURCES_FILE again on SIGHUP,
 * so a removed secret stops working and a new one starts without a restart; a file that does
 * not load keeps the sources it had, and the log says so without printing a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postSignedWebhook, roleChange } from '../helpers/ingress';
import { spawnIngress, type IngressProcess } from '../helpers/service-process';
import { requireStack, uniqueName } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const SECRET_A = 'whsec_' + Buffer.from('sighup-reload-secret-A-0001').toString('base64');
const SECRET_B = 'whsec_' + Buffer.from('sighup-reload-secret-B-0002').toString('base64');
/** In the broken file only: valid itself, beside a secret that is too short. */
const SECRET_C = 'whsec_' + Buffer.from('sighup-reload-secret-C-0003').toString('base64');
const TOO_SHORT = 'short-secret-D';

const source = uniqueName('rotating');
const declare = (secrets: readonly string[]): string =>
  JSON.stringify({
    sources: {
      [source]: { scheme: 'standard-webhooks', secrets: secrets.map((value) => ({ value })) },
    },
  });

let dir: string;
let sourcesFile: string;
let ingress: IngressProcess;

const statusWith = async (secret: string): Promise<number> =>
  (await postSignedWebhook(ingress, source, secret, roleChange())).status;

/** Rewrites the sources file and tells the process to read it again. */
function reload(content: string): void {
  writeFileSync(sourcesFile, content);
  ingress.child.kill('SIGHUP');
}

beforeAll(async () => {
  await requireStack();
  dir = mkdtempSync(path.join(tmpdir(), 'bgs-sighup-'));
  sourcesFile = path.join(dir, 'webhook-sources.json');
  writeFileSync(sourcesFile, declare([SECRET_A]));

  ingress = await spawnIngress(sourcesFile);
  await ingress.ready(30_000);
});

afterAll(async () => {
  if (ingress && ingress.child.exitCode === null) {
    ingress.child.kill('SIGTERM');
    await ingress.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('SIGHUP swaps the secrets; a file that does not load keeps the old ones and is logged without secrets', async () => {
  expect(await statusWith(SECRET_A)).toBe(202);

  reload(declare([SECRET_B]));
  await waitFor(async () => (await statusWith(SECRET_A)) === 401, {
    timeoutMs: 15_000,
    description: 'the removed secret A to be refused after SIGHUP',
  });
  expect(await statusWith(SECRET_B)).toBe(202);

  const failures = () => ingress.lines.filter((l) => l.message === 'webhook sources not reloaded');
  expect(failures()).toEqual([]);
  reload(declare([SECRET_C, TOO_SHORT]));
  const [failure] = await waitFor(() => failures().length > 0 && failures(), {
    timeoutMs: 15_000,
    description: 'the failed reload to be logged',
  });
  expect(failure).toMatchObject({ level: 'error' });
  // The log names the file and the entry, so an operator can fix it.
  expect(String(failure?.error)).toContain(sourcesFile);
  expect(String(failure?.error)).toContain(`sources.${source}.secrets.1`);

  // The set loaded before the broken file still holds: B accepted, A and C refused.
  expect(await statusWith(SECRET_B)).toBe(202);
  expect(await statusWith(SECRET_A)).toBe(401);
  expect(await statusWith(SECRET_C)).toBe(401);
  expect(ingress.child.exitCode).toBeNull();

  for (const secret of [SECRET_A, SECRET_B, SECRET_C, TOO_SHORT]) {
    expect({ secret, printed: ingress.output().includes(secret) }).toEqual({
      secret,
      printed: false,
    });
  }
});
