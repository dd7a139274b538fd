import type { BuyerGroupStateRecord } from '@bgs/demo';
import { GroupSaves, txIdOf } from './tracking';

const group = (companyId: string, savedAt: number, occurredAt: number): BuyerGroupStateRecord => ({
  companyId,
  workspaceId: 'ws',
  generation: 1,
  level: 'identify',
  savedAt,
  members: [],
  origins: [{ ref: `cdc:people:p-1:${occurredAt}`, occurredAt }],
});

describe('txIdOf', () => {
  it('reads the transaction id of a Debezium event, with or without the schema wrapper', () => {
    expect(txIdOf(Buffer.from(JSON.stringify({ op: 'u', source: { txId: 7721 } })))).toBe('7721');
    expect(txIdOf(Buffer.from(JSON.stringify({ payload: { source: { txId: 9 } } })))).toBe('9');
    expect(txIdOf(Buffer.from('not json'))).toBeUndefined();
    expect(txIdOf(null)).toBeUndefined();
  });
});

describe('GroupSaves', () => {
  it('waits for a save of every touched company that includes a change from the commit on', () => {
    const saves = new GroupSaves();
    saves.expect(new Set(['co-1', 'co-2']), 1000);
    saves.observe(group('co-1', 900, 800)); // saved before the commit
    saves.observe(group('co-1', 1200, 950)); // a save of an older change
    saves.observe(group('co-9', 1300, 1001)); // not touched
    expect(saves.missing).toBe(2);
    saves.observe(group('co-1', 1400, 1001));
    saves.observe(group('co-2', 1500, 1002));
    saves.observe(group('co-2', 1900, 1003));
    expect(saves.missing).toBe(0);
    expect(saves.lastSavedAt()).toBe(1500);
  });
});
