import type { BuyerGroupChangeRecord, BuyerGroupStateRecord } from '../watch/records';
import {
  clockTime,
  formatChangeLine,
  formatDuration,
  formatLoad,
  formatSummary,
  formatWebhookLine,
} from './format';
import type { MadeChange } from './freshness';

const SAVED_AT = new Date(2026, 0, 1, 14, 3, 22, 417).getTime();

const record = (overrides: Partial<BuyerGroupChangeRecord> = {}): BuyerGroupChangeRecord => ({
  companyId: 'co-00042',
  workspaceId: 'ws-devtools',
  generation: 1234,
  level: 'identify',
  savedAt: SAVED_AT,
  added: [
    { personId: 'p-1', fullName: 'Dana Kim', role: 'champion' },
    { personId: 'p-2', fullName: null, role: 'influencer' },
  ],
  removed: [{ personId: 'p-3', fullName: 'Omar Silva', role: 'end_user' }],
  roleChanged: [
    { personId: 'p-4', fullName: 'Léa Dubois', fromRole: 'influencer', toRole: 'decision_maker' },
  ],
  origins: [
    { ref: 'webhook:demo:e1', occurredAt: SAVED_AT - 312 },
    { ref: 'cdc:people:9', occurredAt: SAVED_AT - 100 },
  ],
  ...overrides,
});

describe('formatChangeLine', () => {
  it('prints time, company, generation, counts, the first members and the oldest latency', () => {
    expect(formatChangeLine(record(), 'Acme Robotics')).toBe(
      '14:03:22.417  co-00042 Acme Robotics           gen 1234  +2 -1 ~1  ' +
        '(Dana Kim → champion, p-2 → influencer, Omar Silva out (was end_user), …)  312 ms',
    );
  });

  it('looks up names the record leaves out', () => {
    const names = new Map([
      ['p-3', 'Omar Silva'],
      ['p-2', 'Yara Mensah'],
    ]);
    const line = formatChangeLine(
      record({ removed: [{ personId: 'p-3', fullName: null, role: 'end_user' }] }),
      'Acme Robotics',
      (id) => names.get(id),
    );
    expect(line).toContain(
      '(Dana Kim → champion, Yara Mensah → influencer, Omar Silva out (was end_user), …)',
    );
  });

  it('leaves out what it does not know', () => {
    expect(formatChangeLine(record({ added: [], removed: [], roleChanged: [], origins: [] }))).toBe(
      `14:03:22.417  co-00042 ${' '.repeat(22)}  gen 1234  +0 -0 ~0`,
    );
  });

  it('shortens long company names', () => {
    expect(formatChangeLine(record(), 'The Extraordinarily Long Company Name')).toContain(
      'co-00042 The Extraordinarily L…  gen',
    );
  });
});

describe('formatWebhookLine', () => {
  const promotion: MadeChange = {
    seq: 1,
    personId: 'p-1',
    kind: 'webhook:person.promotion',
    companyIds: ['co-1'],
    ref: 'webhook:demo:evt-1',
    madeAt: 0,
    summary: 'Ada Kim: Engineer → Chief Technology Officer (c_level)',
  };
  const group = (members: BuyerGroupStateRecord['members']): BuyerGroupStateRecord => ({
    companyId: 'co-1',
    workspaceId: 'ws-1',
    generation: 7,
    level: 'identify',
    savedAt: Date.UTC(2026, 0, 1, 14, 3, 22, 417),
    members,
    origins: [],
  });
  const sample = (change: MadeChange | undefined) => ({
    companyId: 'co-1',
    ref: 'webhook:demo:evt-1',
    latencyMs: 41,
    change,
  });

  it("shows the reported change beside the person's place in the saved group", () => {
    const line = formatWebhookLine(
      sample(promotion),
      group([{ personId: 'p-1', title: 'Chief Technology Officer', role: 'decision_maker' }]),
    );
    expect(line).toContain('co-1  webhook person.promotion  Ada Kim: Engineer → Chief');
    expect(line).toMatch(/⇒ Chief Technology Officer, decision_maker {2}41 ms$/);
  });

  it('says when the person is not in the group, and ignores what is not a webhook', () => {
    expect(formatWebhookLine(sample(promotion), group([]))).toContain('⇒ not in the group');
    expect(formatWebhookLine(sample({ ...promotion, kind: 'sql:title' }), group([]))).toBe(
      undefined,
    );
    expect(formatWebhookLine(sample(undefined), group([]))).toBe(undefined);
  });
});

describe('formatting helpers', () => {
  it('pads the clock', () => {
    expect(clockTime(new Date(2026, 0, 1, 9, 5, 7, 8).getTime())).toBe('09:05:07.008');
  });

  it('uses ms below 10 s, seconds above', () => {
    expect(formatDuration(312.4)).toBe('312 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
  });
});

describe('formatSummary', () => {
  it('lists the figures and the changes not seen', () => {
    const text = formatSummary({
      changesMade: 1000,
      changesBy: { sql: 600, webhook: 400 },
      changesFailed: 2,
      latencies: { count: 1100, p50: 300, p90: 700, p99: 1500, max: 2100, mean: 420 },
      savedGroupsSeen: 900,
      changeRecordsSeen: 420,
      unseen: [
        {
          change: {
            seq: 7,
            personId: 'p-1',
            kind: 'sql:move',
            companyIds: ['co-1', 'co-2'],
            ref: undefined,
            madeAt: 0,
            summary: 'Dana Kim: A → B',
          },
          companyIds: ['co-2'],
        },
      ],
      elapsedMs: 65_000,
    });
    expect(text).toContain('changes made        1,000 (600 SQL, 400 webhooks; 2 failed)');
    expect(text).toContain('samples seen        1,100');
    expect(text).toContain('latency p50         300 ms');
    expect(text).toContain('latency p99         1500 ms');
    expect(text).toContain('latency max         2100 ms');
    expect(text).toContain('changes not seen    1\n    sql:move co-2  Dana Kim: A → B');
  });

  it('says so when there are no samples', () => {
    const text = formatSummary({
      changesMade: 0,
      changesBy: { sql: 0, webhook: 0 },
      changesFailed: 0,
      latencies: undefined,
      savedGroupsSeen: 0,
      changeRecordsSeen: 0,
      unseen: [],
      elapsedMs: 1000,
    });
    expect(text).toContain('latency             no samples');
    expect(text).not.toContain('achieved rate');
  });

  it('puts the achieved rate of the traffic beside the rate asked', () => {
    const summary = (achievedRate: number) =>
      formatSummary({
        changesMade: 5000,
        changesBy: { sql: 2500, webhook: 2500 },
        changesFailed: 0,
        latencies: undefined,
        savedGroupsSeen: 0,
        changeRecordsSeen: 0,
        unseen: [],
        elapsedMs: 90_000,
        traffic: { achievedRate, requestedRate: 500 },
      });
    expect(summary(498)).toContain(
      'changes made        5,000 (2,500 SQL, 2,500 webhooks)\n  achieved rate       498 changes/s of 500 asked\n',
    );
    expect(summary(60.2)).toContain('achieved rate       60 changes/s of 500 asked, behind (12 %)');
  });
});

describe('formatLoad', () => {
  const table = (rows: number, inserted: number, updated: number) => ({ rows, inserted, updated });

  it('says what was written', () => {
    expect(
      formatLoad({
        workspaces: table(3, 3, 0),
        companies: table(300, 300, 0),
        people: table(11_234, 11_234, 0),
        elapsedMs: 1234,
      }),
    ).toBe(
      'loaded 300 companies, 11,234 people in 1.2 s (11,534 rows new, 0 put back; the pipeline refreshes those companies first)',
    );
  });

  it('says when nothing was', () => {
    expect(
      formatLoad({
        workspaces: table(3, 0, 0),
        companies: table(300, 0, 0),
        people: table(11_234, 0, 0),
        elapsedMs: 80,
      }),
    ).toBe('loaded 300 companies, 11,234 people in 0.1 s (already there, nothing written)');
  });
});
