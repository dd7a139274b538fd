import { preparedStatements, statementName } from './prepared-statements';

describe('preparedStatements', () => {
  it('runs each text as one named statement with its values, and two texts under two names', async () => {
    const calls: { name: string; text: string; values?: unknown[] }[] = [];
    const db = preparedStatements({
      query: async (config) => {
        calls.push(config);
        return { rows: [{ n: calls.length }] };
      },
    });
    await db.query('SELECT $1', [1]);
    await db.query('SELECT $1', [2]);
    const { rows } = await db.query<{ n: number }>('SELECT 2');
    expect(rows).toEqual([{ n: 3 }]);
    expect(calls.map((call) => call.name)).toEqual([
      statementName('SELECT $1'),
      statementName('SELECT $1'),
      statementName('SELECT 2'),
    ]);
    expect(calls[0]?.name).not.toBe(calls[2]?.name);
    expect(calls.map((call) => call.values)).toEqual([[1], [2], undefined]);
  });

  it('names a statement by its text alone, within the 63 bytes Postgres keeps', () => {
    expect(statementName('SELECT 1')).toBe(statementName('SELECT 1'));
    expect(statementName('SELECT 1').length).toBeLessThanOrEqual(63);
  });
});
