import { Stages } from '../kafka/topics';
import { USAGE, parseDeadLetterArgs } from './dead-letter-args';

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
        reveal: false,
      },
    ],
    [
      ['show', 'sink', '--reveal', '3:41'],
      { kind: 'show', stage: 'sink', positions: [{ partition: 3, offset: '41' }], reveal: true },
    ],
    [
      ['show', 'sink', '3:41', '--reveal'],
      { kind: 'show', stage: 'sink', positions: [{ partition: 3, offset: '41' }], reveal: true },
    ],
    [['help'], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
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
    [['show', 'sink', '--reveal'], /show needs at least one/],
    [['list', 'sink', '--reveal'], /--reveal is for show only/],
    [['replay', 'sink', '--reveal', '1:2'], /--reveal is for show only/],
  ])('refuses %j with a reason and the usage', (args, reason) => {
    const parsed = parseDeadLetterArgs(args, Stages);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatch(reason);
      expect(parsed.error).toContain('usage: dead-letters');
    }
  });
});

describe('USAGE', () => {
  it('says that personal data is masked unless --reveal is given', () => {
    expect(USAGE).toContain('show <stage> [--reveal]');
    expect(USAGE).toMatch(/mask e-mail addresses and phone numbers/);
  });
});
