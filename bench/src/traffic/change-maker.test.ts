import { Workforce, type PersonState, type PlannedChange } from '@bgs/demo';
import type { Pool } from 'pg';
import { ChangeMaker, type BenchChange, type ChangeListener } from './change-maker';
import type { Planner } from './planner';
import type { WebhookClient } from './webhook-client';

const ada: PersonState = {
  id: 'p-00001-002',
  companyId: 'co-00001',
  fullName: 'Ada Example',
  email: null,
  jobTitle: 'Engineer',
  department: 'engineering',
  seniority: 'senior',
  managerId: null,
  status: 'active',
};

const company = { id: 'co-00001', workspaceId: 'ws-1', name: 'Example', domain: null };

const titleChange: PlannedChange = {
  via: 'sql',
  kind: 'title',
  personId: ada.id,
  companyIds: [ada.companyId],
  summary: 'Engineer → Staff Engineer',
  row: { op: 'update', personId: ada.id, set: { jobTitle: 'Staff Engineer' } },
};

const roleWebhook: PlannedChange = {
  via: 'webhook',
  kind: 'person.role_change',
  personId: ada.id,
  companyIds: [ada.companyId],
  summary: 'Engineer → Staff Engineer',
  event: {
    type: 'person.role_change',
    person: { id: ada.id, name: ada.fullName, email: null },
    company: { id: company.id, name: company.name },
    changes: { title: { old: 'Engineer', new: 'Staff Engineer' } },
  },
};

/** A planner that offers `change` to whoever is available, and records whom it was asked about. */
function plannerOf(change: PlannedChange) {
  return {
    plan: (isAvailable: (personId: string) => boolean) =>
      isAvailable(change.personId) ? change : undefined,
  } as unknown as Planner;
}

function makerFor(change: PlannedChange, rowCount = 1) {
  const workforce = new Workforce([company], [ada]);
  const query = jest.fn().mockResolvedValue({ rowCount });
  const post = jest.fn().mockResolvedValue(1_000);
  const maker = new ChangeMaker({
    pool: { query } as unknown as Pool,
    workforce,
    planner: plannerOf(change),
    webhook: { post } as unknown as WebhookClient,
    source: 'legacy',
    runTag: 'test',
  });
  return { maker, workforce, query, post };
}

describe('ChangeMaker', () => {
  it('writes a SQL change when no step listens (a warm-up), and the picture follows it', async () => {
    const { maker, workforce, query } = makerFor(titleChange);
    await maker.make();
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0]?.[0]).toMatch(/^UPDATE people SET job_title/);
    expect(workforce.person(ada.id)?.jobTitle).toBe('Staff Engineer');
  });

  it('posts a webhook when no step listens', async () => {
    const { maker, post } = makerFor(roleWebhook);
    await maker.make();
    expect(post).toHaveBeenCalledTimes(1);
    expect(JSON.parse(post.mock.calls[0]?.[0] as string)).toMatchObject({
      id: 'evt_bench_test_1',
      type: 'person.role_change',
    });
  });

  it('tells the step listening when the change was made, after it was sent', async () => {
    const { maker, post } = makerFor(roleWebhook);
    const events: string[] = [];
    const listener: ChangeListener = {
      planned: (change: BenchChange) => events.push(`planned ${change.seq}`),
      made: (change: BenchChange, at: number) => events.push(`made ${change.seq} at ${at}`),
      failed: () => events.push('failed'),
    };
    maker.listener = listener;
    post.mockImplementation(async () => {
      events.push('sent');
      return 1_000;
    });
    await maker.make();
    expect(events).toEqual(['planned 1', 'sent', 'made 1 at 1000']);
  });

  it('leaves a person alone for good once a write to their row found it other than expected', async () => {
    const { maker, query } = makerFor(titleChange, 0);
    await expect(maker.make()).rejects.toThrow(/was not as expected/);
    await expect(maker.make()).rejects.toThrow(/no change could be planned/);
    expect(query).toHaveBeenCalledTimes(1);
  });
});
