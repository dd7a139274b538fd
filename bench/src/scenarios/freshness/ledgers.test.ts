import type { BuyerGroupStateRecord } from '@bgs/demo';
import type { BenchChange } from '../../traffic/change-maker';
import { BaselineStepLedger, matchSaves, OursStepLedger, saveKey } from './ledgers';

const STARTED = 1_000_000;

const webhook = (seq: number, companyIds: string[]): BenchChange => ({
  seq,
  personId: `p-${seq}`,
  kind: 'webhook:person.role_change',
  companyIds,
  ref: `webhook:legacy:evt_${seq}`,
  eventId: `evt_${seq}`,
  madeAt: STARTED + 10,
  summary: '',
});

const sql = (seq: number, personId: string, companyIds: string[]): BenchChange => ({
  seq,
  personId,
  kind: 'sql:title',
  companyIds,
  ref: undefined,
  eventId: undefined,
  madeAt: STARTED + 10,
  summary: '',
});

const saved = (
  companyId: string,
  savedAt: number,
  origins: { ref: string; occurredAt: number }[],
): BuyerGroupStateRecord => ({
  companyId,
  workspaceId: 'ws',
  generation: 1,
  level: 'identify',
  savedAt,
  members: [],
  origins,
});

describe('OursStepLedger', () => {
  it('measures a webhook from its 2xx, a SQL write from its commit, a move twice', () => {
    const ledger = new OursStepLedger(STARTED);
    const move = webhook(1, ['co-1', 'co-2']);
    const title = sql(2, 'p-9', ['co-3']);
    ledger.planned(move);
    ledger.planned(title);
    ledger.made(move, STARTED + 50);
    ledger.made(title, STARTED + 60);
    ledger.observe(
      saved('co-1', STARTED + 150, [{ ref: move.ref as string, occurredAt: STARTED + 10 }]),
    );
    expect(ledger.unseenCount()).toBe(2);
    ledger.observe(
      saved('co-2', STARTED + 250, [{ ref: move.ref as string, occurredAt: STARTED + 10 }]),
    );
    ledger.observe(
      saved('co-3', STARTED + 400, [{ ref: 'cdc:people:p-9:123', occurredAt: STARTED + 55 }]),
    );
    expect(ledger.outcome()).toEqual({
      latencies: [100, 200, 345],
      unseen: 0,
      made: 2,
      unseenExamples: [],
    });
  });

  it('keeps a save that arrives before the 2xx was read, and measures it from the 2xx', () => {
    const ledger = new OursStepLedger(STARTED);
    const change = webhook(1, ['co-1']);
    ledger.planned(change);
    ledger.observe(
      saved('co-1', STARTED + 90, [{ ref: change.ref as string, occurredAt: STARTED + 10 }]),
    );
    ledger.made(change, STARTED + 40);
    expect(ledger.outcome().latencies).toEqual([50]);
  });

  it('describes the changes never seen, to trace them', () => {
    const ledger = new OursStepLedger(STARTED);
    const seen = webhook(1, ['co-1']);
    const lost = webhook(2, ['co-2', 'co-3']);
    for (const change of [seen, lost]) {
      ledger.planned(change);
      ledger.made(change, STARTED + 10);
    }
    ledger.observe(
      saved('co-1', STARTED + 50, [{ ref: seen.ref as string, occurredAt: STARTED + 5 }]),
    );
    ledger.observe(
      saved('co-2', STARTED + 60, [{ ref: lost.ref as string, occurredAt: STARTED + 5 }]),
    );
    const outcome = ledger.outcome();
    expect(outcome.unseen).toBe(1);
    expect(outcome.unseenExamples).toEqual([
      expect.objectContaining({ seq: 2, ref: lost.ref, companyIds: ['co-3'] }),
    ]);
  });

  it('does not count a failed change as unseen', () => {
    const ledger = new OursStepLedger(STARTED);
    const change = webhook(1, ['co-1']);
    ledger.planned(change);
    ledger.failed(change);
    expect(ledger.outcome()).toEqual({ latencies: [], unseen: 0, made: 0, unseenExamples: [] });
  });
});

describe('baseline matching', () => {
  it('takes the first save per company and event, and counts a webhook missing a company', () => {
    const ledger = new BaselineStepLedger();
    ledger.made(webhook(1, ['co-1', 'co-2']), 100);
    ledger.made(webhook(2, ['co-3']), 200);
    ledger.addSaves([
      { companyId: 'co-1', eventId: 'evt_1', savedAt: 130 },
      { companyId: 'co-1', eventId: 'evt_1', savedAt: 120 },
      { companyId: 'co-3', eventId: 'evt_2', savedAt: 260 },
    ]);
    expect(ledger.outcome()).toEqual({ latencies: [20, 60], unseen: 1, made: 2 });
  });

  it('matches by company and event id only', () => {
    const saves = new Map([[saveKey('co-1', 'evt_9'), 50]]);
    expect(matchSaves([{ eventId: 'evt_1', companyIds: ['co-1'], acceptedAt: 0 }], saves)).toEqual({
      latencies: [],
      unseen: 1,
    });
  });
});
