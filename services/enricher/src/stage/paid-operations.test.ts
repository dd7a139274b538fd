import { createPaidOperations, type PaidOperation } from './paid-operations';
import type { Queryable } from './queryable';

interface Entry {
  status: string;
  output: unknown;
  cost_usd: string | null;
}

/** pipeline_operations in memory, for the four statements the ledger sends. */
function fakeLedger(): Queryable & { readonly entries: Map<string, Entry> } {
  const entries = new Map<string, Entry>();
  return {
    entries,
    async query<R>(text: string, values: unknown[] = []) {
      const key = String(values[0]);
      const entry = entries.get(key);
      const sql = text.replace(/\s+/g, ' ').trim();
      if (sql.startsWith('INSERT')) {
        if (!entry) entries.set(key, { status: 'running', output: null, cost_usd: null });
        return { rows: [] };
      }
      if (sql.startsWith('SELECT')) return { rows: (entry ? [entry] : []) as R[] };
      if (sql.includes("status = 'completed'") && entry && entry.status !== 'completed') {
        entries.set(key, {
          status: 'completed',
          output: JSON.parse(String(values[1])),
          cost_usd: String(values[3]),
        });
        return { rows: [{ idempotency_key: key }] as R[] };
      }
      if (sql.includes("status = 'failed'") && entry && entry.status !== 'completed') {
        entry.status = 'failed';
      }
      return { rows: [] };
    },
  };
}

const operation = (call: () => Promise<string>): PaidOperation<string> => ({
  key: 'enrich:co-1:abc',
  stage: 'enrich',
  companyId: 'co-1',
  input: {},
  costUsd: 2.4,
  call,
});

describe('createPaidOperations', () => {
  it('calls once, and reuses the completed purchase without calling again', async () => {
    const ledger = fakeLedger();
    const paid = createPaidOperations(ledger);
    const call = jest.fn(async () => 'contacts');
    expect(await paid.runOnce(operation(call))).toEqual({
      output: 'contacts',
      costUsd: 2.4,
      calledNow: true,
    });
    expect(await paid.runOnce(operation(call))).toEqual({
      output: 'contacts',
      costUsd: 2.4,
      calledNow: false,
    });
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('calls again for an entry a crash left running, and that call is the purchase', async () => {
    const ledger = fakeLedger();
    ledger.entries.set('enrich:co-1:abc', { status: 'running', output: null, cost_usd: null });
    const result = await createPaidOperations(ledger).runOnce(operation(async () => 'contacts'));
    expect(result.calledNow).toBe(true);
  });

  it('is not the purchase when an overlapping delivery completed the entry first', async () => {
    const ledger = fakeLedger();
    const paid = createPaidOperations(ledger);
    const result = await paid.runOnce(
      operation(async () => {
        // The other delivery of the key finishes while this call is in flight.
        ledger.entries.set('enrich:co-1:abc', {
          status: 'completed',
          output: 'theirs',
          cost_usd: '2.4',
        });
        return 'contacts';
      }),
    );
    expect(result).toEqual({ output: 'contacts', costUsd: 2.4, calledNow: false });
  });

  it('marks a failed call and lets its error through', async () => {
    const ledger = fakeLedger();
    const paid = createPaidOperations(ledger);
    await expect(
      paid.runOnce(
        operation(async () => {
          throw new Error('provider down');
        }),
      ),
    ).rejects.toThrow('provider down');
    expect(ledger.entries.get('enrich:co-1:abc')?.status).toBe('failed');
  });
});
