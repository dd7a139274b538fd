/**
 * Personal data never reaches the logs: a change whose webhook carries a person's email and
 * phone is refreshed at the `enrich` level, so the provider's contact data (emails, phone
 * numbers) flows through the enricher and the sink too; then the logs our services and the
 * local provider have written in this run are searched for each of those values. (Postgres,
 * Kafka, Connect and the registry keep logs of their own, which are their operators' concern.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { repoRoot, requireStack, withDatabase } from '../helpers/stack';
import { createCompany, createWorkspace, postWebhook, waitForGroup } from '../helpers/pipeline';

const logsDir = path.join(process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack'), 'logs');

const OUR_LOGS = ['ingress.log', 'refresher.log', 'enricher.log', 'sink.log', 'local-provider.log'];

/** Every email address and phone-like value inside a stored enrichment. */
function contactValues(enrichment: unknown): string[] {
  const text = typeof enrichment === 'string' ? enrichment : JSON.stringify(enrichment ?? null);
  const emails = text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
  const phones = text.match(/\+\d[\d ()-]{7,}\d/g) ?? [];
  return [...emails, ...phones];
}

describe('personal data in the logs', () => {
  beforeAll(requireStack);

  it('never writes an email address or a phone number a change carried or the provider sold', async () => {
    const email = `pii-${randomUUID().slice(0, 8)}@example.com`;
    const phone = `+1 415 555 ${String(1000 + Math.floor(Math.random() * 8999))}`;
    const companyId = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
      return (await createCompany(db, workspace)).companyId;
    });
    const event = {
      id: `evt-${randomUUID()}`,
      type: 'person.role_change',
      timestamp: new Date().toISOString(),
      company: { id: companyId },
      person: {
        id: `${companyId}-eng`,
        name: 'Dan Coder',
        email,
        phone,
        oldTitle: 'Staff Engineer',
        newTitle: 'Principal Engineer',
      },
      changes: { title: { old: 'Staff Engineer', new: 'Principal Engineer' } },
    };
    expect((await postWebhook(event, event.id)).status).toBe(202);
    const saved = await waitForGroup(
      companyId,
      (g) =>
        g.level === 'enrich' &&
        [...g.members.values()].some((m) => contactValues(m.enrichment).length > 0),
      'the enriched group, with the contact data the provider sold',
    );
    const sold = [...saved.members.values()].flatMap((m) => contactValues(m.enrichment));
    const secrets = [email, phone, ...sold];

    const files = (await readdir(logsDir)).filter((name) => OUR_LOGS.includes(name));
    expect(files.sort()).toEqual([...OUR_LOGS].sort());
    const found: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(logsDir, file), 'utf8');
      for (const value of secrets) if (text.includes(value)) found.push(`${file}: ${value}`);
    }
    expect(sold.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
