import { createLogger } from './logger';
import { createFailpoints, parseFailpoints } from './failpoints';
import { Writable } from 'node:stream';

const quiet = createLogger({
  service: 'test',
  stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

describe('failpoints', () => {
  it('parses names and prefixes, and refuses unknown names', () => {
    expect(parseFailpoints('a, b@co-1', ['a', 'b'])).toEqual({
      ok: true,
      value: [{ name: 'a' }, { name: 'b', prefix: 'co-1' }],
    });
    expect(parseFailpoints('c', ['a'])).toEqual({
      ok: false,
      reason: 'unknown failpoint c; known: a',
    });
  });

  it('passes through a failpoint that is off or whose subjects do not match', async () => {
    const failpoints = createFailpoints([{ name: 'a', prefix: 'crash-' }], quiet);
    await expect(failpoints.reach('b', ['crash-1'])).resolves.toBeUndefined();
    await expect(failpoints.reach('a', ['co-1'])).resolves.toBeUndefined();
  });

  it('never returns from a failpoint that matches', async () => {
    const failpoints = createFailpoints([{ name: 'a', prefix: 'crash-' }], quiet);
    const outcome = await Promise.race([
      failpoints.reach('a', ['co-1', 'crash-7']).then(() => 'returned'),
      Promise.resolve().then(() => 'still waiting'),
    ]);
    expect(outcome).toBe('still waiting');
  });
});
