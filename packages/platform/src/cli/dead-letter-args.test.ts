import { Stages } from '../kafka/topics';
import { parseDeadLetterArgs } from './dead-letter-args';

describe('parseDeadLetterArgs', () => {
  it.each([
    [['list', 'sink'], { kind: 'list', stage: 'sink' }],
    [['replay', 'refresher', '--all'], { kind: 'replay-all', stage: 'refresher' }],
    [
      ['show', 'enricher', '2:17', '0:0'],
      {
        kind: 'show',
        stage: 'enricher',
        positions: [
          { partition: 2, offset: '17' },
          { partition: 0, offset: '0' },
        ],
      },
    ],
    [
      ['replay', 'sink', '5:007'],
      { kind: 'replay', stage: 'sink', positions: [{ partition: 5, offset: '7' }] },
    ],
  ])('parses %j', (args, command) => {
    expect(parseDeadLetterArgs(args, Stages)).toEqual({ ok: true, command });
  });

  it.each([
    [[], /unknown command ""/],
    [['drop', 'sink'], /unknown command "drop"/],
    [['list', 'ingress'], /unknown stage "ingress"/],
    [['list', 'sink', '1:2'], /list takes no positions/],
    [['replay', 'sink'], /needs at least one/],
    [['show', 'sink', '1-2'], /not a <partition>:<offset>: "1-2"/],
  ])('refuses %j with a reason and the usage', (args, reason) => {
    const parsed = parseDeadLetterArgs(args, Stages);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatch(reason);
      expect(parsed.error).toContain('usage: dead-letters');
    }
  });
});
