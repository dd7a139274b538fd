import { FreshnessTracker, type MadeChange } from './freshness';

const START = 1_800_000_000_000;

let seq = 0;
const change = (companyIds: string[], ref?: string, personId = 'p-1'): MadeChange => ({
  seq: ++seq,
  personId,
  kind: ref ? 'webhook:person.role_change' : 'sql:title',
  companyIds,
  ref,
  madeAt: START + 10,
  summary: 'someone: a → b',
});

describe('FreshnessTracker', () => {
  it('takes one sample per origin after the start: savedAt − occurredAt', () => {
    const tracker = new FreshnessTracker(START);
    tracker.observe({
      companyId: 'co-1',
      savedAt: START + 500,
      origins: [
        { ref: 'cdc:people:1', occurredAt: START + 100 },
        { ref: 'cdc:people:2', occurredAt: START + 300 },
        { ref: 'cdc:people:0', occurredAt: START - 1 }, // the load, before the demo started
      ],
    });
    expect(tracker.samples).toEqual([400, 200]);
  });

  it('does not count a redelivered record twice', () => {
    const tracker = new FreshnessTracker(START);
    const group = {
      companyId: 'co-1',
      savedAt: START + 500,
      origins: [{ ref: 'webhook:demo:e1', occurredAt: START + 100 }],
    };
    expect(tracker.observe(group)).toHaveLength(1);
    expect(tracker.observe(group)).toEqual([]);
    expect(tracker.samples).toEqual([400]);
  });

  it('matches webhooks by ref and waits for both companies of a move', () => {
    const tracker = new FreshnessTracker(START);
    const move = change(['co-1', 'co-2'], 'webhook:demo:e1');
    tracker.recordChange(move);
    const origins = [{ ref: 'webhook:demo:e1', occurredAt: START + 100 }];
    expect(tracker.observe({ companyId: 'co-2', savedAt: START + 300, origins })).toEqual([
      { companyId: 'co-2', ref: 'webhook:demo:e1', latencyMs: 200, change: move },
    ]);
    expect(tracker.allSeen()).toBe(false);
    expect(tracker.unseen()).toEqual([{ change: move, companyIds: ['co-1'] }]);
    tracker.observe({ companyId: 'co-1', savedAt: START + 400, origins });
    expect(tracker.allSeen()).toBe(true);
    expect(tracker.samples).toEqual([200, 300]);
  });

  it('counts the changes still waiting as their companies are seen, early ones included', () => {
    const tracker = new FreshnessTracker(START);
    const origins = (ref: string) => [{ ref, occurredAt: START + 100 }];
    // Saved before it was recorded: never waits.
    tracker.observe({
      companyId: 'co-9',
      savedAt: START + 200,
      origins: origins('webhook:demo:e9'),
    });
    tracker.recordChange(change(['co-9'], 'webhook:demo:e9'));
    const move = change(['co-1', 'co-2'], 'webhook:demo:e1');
    tracker.recordChange(move);
    tracker.recordChange(change(['co-3'], 'webhook:demo:e3'));
    expect(tracker.unseenCount()).toBe(2);
    tracker.observe({
      companyId: 'co-1',
      savedAt: START + 300,
      origins: origins('webhook:demo:e1'),
    });
    tracker.observe({
      companyId: 'co-1',
      savedAt: START + 300,
      origins: origins('webhook:demo:e1'),
    });
    expect(tracker.unseenCount()).toBe(2);
    tracker.observe({
      companyId: 'co-2',
      savedAt: START + 400,
      origins: origins('webhook:demo:e1'),
    });
    expect(tracker.unseenCount()).toBe(1);
    expect(tracker.unseenCount()).toBe(tracker.unseen().length);
  });

  it('stops waiting for a change whose request failed', () => {
    const tracker = new FreshnessTracker(START);
    const lost = change(['co-1', 'co-2'], 'webhook:demo:e1');
    tracker.recordChange(lost);
    tracker.forget(lost.seq);
    tracker.forget(lost.seq);
    expect(tracker.unseenCount()).toBe(0);
    expect(tracker.allSeen()).toBe(true);
    expect(tracker.unseen()).toEqual([]);
  });

  it('matches SQL writes by company, oldest first, whatever their ref', () => {
    const tracker = new FreshnessTracker(START);
    const first = change(['co-1']);
    const second = change(['co-1']);
    tracker.recordChange(first);
    tracker.recordChange(second);
    const [sample] = tracker.observe({
      companyId: 'co-1',
      savedAt: START + 900,
      origins: [{ ref: 'cdc:people:0/1A2B3C', occurredAt: START + 50 }],
    });
    expect(sample?.change).toBe(first);
    expect(tracker.unseen().map((u) => u.change)).toEqual([second]);
  });

  it('matches SQL writes by the person a Debezium ref names', () => {
    const tracker = new FreshnessTracker(START);
    const dana = change(['co-1'], undefined, 'p-dana');
    const omar = change(['co-1'], undefined, 'p-omar');
    tracker.recordChange(dana);
    tracker.recordChange(omar);
    const [sample] = tracker.observe({
      companyId: 'co-1',
      savedAt: START + 900,
      origins: [{ ref: 'cdc:people:p-omar:123456789', occurredAt: START + 50 }],
    });
    expect(sample?.change).toBe(omar);
    // Somebody else's write is a sample but none of ours.
    const [other] = tracker.observe({
      companyId: 'co-1',
      savedAt: START + 950,
      origins: [{ ref: 'cdc:people:p-zoe:123456999', occurredAt: START + 60 }],
    });
    expect(other?.change).toBeUndefined();
    expect(tracker.unseen().map((u) => u.change)).toEqual([dana]);
  });

  it('does not take a webhook or API origin for a SQL write', () => {
    const tracker = new FreshnessTracker(START);
    tracker.recordChange(change(['co-1']));
    const samples = tracker.observe({
      companyId: 'co-1',
      savedAt: START + 900,
      origins: [
        { ref: 'webhook:other:x', occurredAt: START + 50 },
        { ref: 'api:req-1', occurredAt: START + 60 },
      ],
    });
    expect(samples.map((s) => s.change)).toEqual([undefined, undefined]);
    expect(tracker.samples).toHaveLength(2);
    expect(tracker.allSeen()).toBe(false);
  });

  it('claims samples that arrived before the change was recorded', () => {
    const tracker = new FreshnessTracker(START);
    tracker.observe({
      companyId: 'co-1',
      savedAt: START + 900,
      origins: [
        { ref: 'webhook:demo:e9', occurredAt: START + 50 },
        { ref: 'cdc:people:p-1:77', occurredAt: START + 60 },
      ],
    });
    tracker.recordChange(change(['co-1'], 'webhook:demo:e9'));
    tracker.recordChange(change(['co-1']));
    expect(tracker.allSeen()).toBe(true);
    expect(tracker.changesMade).toBe(2);
  });

  it('has seen everything when nothing was made', () => {
    expect(new FreshnessTracker(START).allSeen()).toBe(true);
  });
});

describe('FreshnessTracker before it is started', () => {
  it('takes no samples', () => {
    const tracker = new FreshnessTracker();
    const group = {
      companyId: 'co-1',
      savedAt: START + 500,
      origins: [{ ref: 'cdc:people:1', occurredAt: START + 100 }],
    };
    expect(tracker.observe(group)).toEqual([]);
    tracker.start(START);
    expect(tracker.observe(group)).toHaveLength(1);
  });
});
