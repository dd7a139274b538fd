import type { MadeChange } from '../types';
import type { PublishedGroup } from '../records';
import {
  cdcPeopleOrigin,
  evaluateNoLoss,
  savedGenerationsOf,
  unpairedSqlChanges,
  type SavedGeneration,
} from './no-loss';

const STARTED = 1_000_000;

const webhook = (id: string, companyIds: string[], madeAt = STARTED + 100): MadeChange => ({
  id,
  kind: 'webhook',
  personId: 'p1',
  companyIds,
  madeAt,
  eventId: id,
  source: 'demo',
});

const sql = (id: string, personId: string, madeAt: number, companyIds = ['c1']): MadeChange => ({
  id,
  kind: 'sql',
  personId,
  companyIds,
  madeAt,
});

const generation = (
  n: number,
  origins: [string, number][],
  originCount: number | null = null,
): SavedGeneration => ({
  generation: n,
  savedAt: STARTED + 10_000,
  origins: origins.map(([ref, occurredAt]) => ({ ref, occurredAt })),
  originCount,
});

const check = (changes: MadeChange[], generations: [string, SavedGeneration[]][]) =>
  evaluateNoLoss({
    changes,
    startedAt: STARTED,
    clockToleranceMs: 0,
    generations: new Map(generations),
  });

describe('cdcPeopleOrigin', () => {
  it('reads the person and the log position, the last colon splitting them', () => {
    expect(cdcPeopleOrigin('cdc:people:p-1:12345')).toEqual({ personId: 'p-1', lsn: '12345' });
    expect(cdcPeopleOrigin('cdc:people:a:b:9')).toEqual({ personId: 'a:b', lsn: '9' });
    expect(cdcPeopleOrigin('cdc:companies:c-1:9')).toBeUndefined();
    expect(cdcPeopleOrigin('webhook:demo:e1')).toBeUndefined();
  });
});

describe('unpairedSqlChanges', () => {
  const origin = (lsn: number, occurredAt: number) => ({ ref: `cdc:people:p1:${lsn}`, occurredAt });

  it('pairs each change with an origin committed before it returned', () => {
    const changes = [sql('a', 'p1', STARTED + 10), sql('b', 'p1', STARTED + 20)];
    const origins = [origin(2, STARTED + 15), origin(1, STARTED + 5)];
    expect(unpairedSqlChanges(changes, origins, STARTED, 0)).toEqual([]);
  });

  it('leaves a change unpaired when its origin is missing, even if a later one exists', () => {
    const changes = [sql('a', 'p1', STARTED + 10), sql('b', 'p1', STARTED + 20)];
    const unpaired = unpairedSqlChanges(changes, [origin(2, STARTED + 15)], STARTED, 0);
    expect(unpaired.map((c) => c.id)).toEqual(['a']);
  });

  it('does not count an origin from before the run (the seed insert) for a change', () => {
    const changes = [sql('a', 'p1', STARTED + 10)];
    expect(unpairedSqlChanges(changes, [origin(1, STARTED - 5)], STARTED, 0)).toHaveLength(1);
  });

  it('does not pair an origin committed after the change returned, beyond the tolerance', () => {
    const changes = [sql('a', 'p1', STARTED + 10)];
    expect(unpairedSqlChanges(changes, [origin(1, STARTED + 12)], STARTED, 0)).toHaveLength(1);
    expect(unpairedSqlChanges(changes, [origin(1, STARTED + 12)], STARTED, 5)).toEqual([]);
  });
});

describe('evaluateNoLoss', () => {
  it('passes when every change is among the origins of each company it touches', () => {
    const result = check(
      [webhook('e1', ['c1', 'c2']), sql('s1', 'p2', STARTED + 50)],
      [
        [
          'c1',
          [
            generation(7, [['webhook:demo:e1', STARTED]]),
            generation(9, [['cdc:people:p2:88', STARTED + 40]]),
          ],
        ],
        ['c2', [generation(3, [['webhook:demo:e1', STARTED]])]],
      ],
    );
    expect(result).toMatchObject({ name: 'no-loss', checked: 3, violations: [] });
  });

  it('reports a webhook missing from one of the two companies of a move', () => {
    const result = check(
      [webhook('e1', ['c1', 'c2'])],
      [
        ['c1', [generation(7, [['webhook:demo:e1', STARTED]])]],
        ['c2', [generation(3, [['webhook:demo:other', STARTED]])]],
      ],
    );
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatchObject({ companyId: 'c2' });
    expect(result.violations[0]?.detail).toContain('no origin webhook:demo:e1');
  });

  it('reports a SQL change whose commit no generation names, though a later one is named', () => {
    const result = check(
      [sql('s1', 'p2', STARTED + 10), sql('s2', 'p2', STARTED + 20)],
      [['c1', [generation(9, [['cdc:people:p2:88', STARTED + 15]])]]],
    );
    expect(result.violations.map((v) => v.detail)).toEqual([
      expect.stringContaining('sql change s1'),
    ]);
  });

  it('reports every change of a company that has no published generation at all', () => {
    const result = check([webhook('e1', ['c9'])], []);
    expect(result.violations[0]?.detail).toContain('no published generation');
  });

  it('accepts unlisted changes only as far as truncated origin lists can hide them', () => {
    // The generation included two origins (its refresh log says) but lists one.
    const truncated = generation(9, [['webhook:demo:x', STARTED]], 2);
    const covered = check([webhook('e1', ['c1'])], [['c1', [truncated]]]);
    expect(covered.violations).toEqual([]);
    expect(covered.notes?.[0]).toContain('not provable');

    const tooMany = check([webhook('e1', ['c1']), webhook('e2', ['c1'])], [['c1', [truncated]]]);
    expect(tooMany.violations).toHaveLength(2);
  });
});

describe('savedGenerationsOf', () => {
  const published = (
    companyId: string,
    generation: number,
    origins: PublishedGroup['value']['origins'] = [],
  ): PublishedGroup => ({
    key: companyId,
    partition: 0,
    offset: String(generation),
    value: {
      companyId,
      workspaceId: 'w',
      generation,
      level: 'identify',
      confidence: 0,
      cohesion: 0,
      status: 'ready',
      computedAt: 0,
      members: [],
      savedAt: 5,
      costUsd: 0,
      companySummary: null,
      origins,
    },
  });
  const skipped = (generation: number, supersededBy: number | null) => ({
    companyId: 'c1',
    generation,
    status: 'skipped',
    error: null,
    originCount: null,
    supersededBy,
    origins: [{ ref: 'webhook:demo:late', occurredAt: 2 }],
  });

  it('counts the origins of a generation overtaken by a newer published one', () => {
    const byCompany = savedGenerationsOf([published('c1', 9)], [skipped(7, 9)]);
    const change = webhook('late', ['c1']);
    expect(check([change], [...byCompany]).violations).toEqual([]);
  });

  it('does not, when the generation said to overtake it was never published', () => {
    for (const logs of [[skipped(7, 8)], [skipped(7, null)], [skipped(9, 9)]]) {
      const byCompany = savedGenerationsOf([published('c1', 9)], logs);
      expect(check([webhook('late', ['c1'])], [...byCompany]).violations).toHaveLength(1);
    }
  });

  it("groups published generations by company with their refresh log's origin count", () => {
    const record = (companyId: string, generation: number) =>
      published(companyId, generation, [{ ref: 'webhook:demo:e1', occurredAt: 1 }]);
    const byCompany = savedGenerationsOf(
      [record('c1', 4), record('c2', 6)],
      [{ companyId: 'c1', generation: 4, status: 'completed', error: null, originCount: 3 }],
    );
    expect(byCompany.get('c1')).toEqual([
      {
        generation: 4,
        savedAt: 5,
        origins: [{ ref: 'webhook:demo:e1', occurredAt: 1 }],
        originCount: 3,
      },
    ]);
    expect(byCompany.get('c2')?.[0]?.originCount).toBeNull();
  });
});
