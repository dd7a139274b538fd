import type { BuyerGroupWorkRecord } from '@bgs/platform';
import {
  diffsAgainstSaved,
  membersToWrite,
  planSaves,
  withoutSavedOrigins,
  type SavedMemberRow,
  type SaveRequest,
} from './save-plan';

const request = (
  companyId: string,
  generation: number,
  members: readonly [personId: string, role: string][] = [],
): SaveRequest => ({
  traceId: null,
  work: {
    companyId,
    generation,
    members: members.map(([personId, role]) => ({ personId, fullName: personId, role })),
  } as unknown as BuyerGroupWorkRecord,
});

describe('planSaves', () => {
  it('writes what is newer, re-publishes the saved generation and skips what is older', () => {
    const plan = planSaves(
      [request('co-3', 9), request('co-1', 5), request('co-2', 7), request('co-4', 1)],
      new Map([
        ['co-1', 4],
        ['co-2', 7],
        ['co-3', 12],
      ]),
    );
    expect(plan.fresh.map((r) => r.work.companyId)).toEqual(['co-1', 'co-4']);
    expect(plan.alreadySaved.map((r) => r.work.companyId)).toEqual(['co-2']);
    expect(plan.stale.map((s) => [s.request.work.companyId, s.savedGeneration])).toEqual([
      ['co-3', 12],
    ]);
  });

  it('orders every list by company id, the order rows are locked in', () => {
    const plan = planSaves([request('co-b', 2), request('co-a', 2), request('co-c', 2)], new Map());
    expect(plan.fresh.map((r) => r.work.companyId)).toEqual(['co-a', 'co-b', 'co-c']);
  });
});

describe('withoutSavedOrigins', () => {
  const folded = (generation: number, refs: string[]): SaveRequest['work'] =>
    ({
      companyId: 'co-1',
      generation,
      origins: refs.map((ref) => ({ ref, occurredAt: 1 })),
      originCount: refs.length,
    }) as unknown as BuyerGroupWorkRecord;
  // The newest of a batch carries every origin of the batch's older generations of the company.
  const newest = (earlier: BuyerGroupWorkRecord[], own: string[]): SaveRequest => ({
    traceId: null,
    work: folded(9, [...earlier.flatMap((e) => e.origins.map((o) => o.ref)), ...own]),
    earlier: earlier.map((work) => ({ traceId: null, work })),
  });

  it('drops the origins of a generation saved already (a redelivered batch) and keeps the rest', () => {
    const saved = folded(5, ['cdc:a', 'cdc:b']);
    const unsaved = folded(7, ['cdc:c']);
    const request = withoutSavedOrigins(newest([saved, unsaved], ['cdc:d']), 5);
    expect(request.work.origins.map((o) => o.ref)).toEqual(['cdc:c', 'cdc:d']);
    expect(request.work.originCount).toBe(2);
  });

  it('keeps a change the newest includes once more of its own (a replayed event)', () => {
    const request = withoutSavedOrigins(newest([folded(5, ['cdc:a'])], ['cdc:a']), 5);
    expect(request.work.origins.map((o) => o.ref)).toEqual(['cdc:a']);
  });

  it('keeps the origins of an older generation overtaken by the saved one, never saved itself', () => {
    // Back late from a retry tier: generation 3 was overtaken by the saved 5 and folded into 9.
    const overtaken = folded(3, ['cdc:late']);
    const request = withoutSavedOrigins(newest([overtaken], ['cdc:d']), 5);
    expect(request.work.origins.map((o) => o.ref)).toEqual(['cdc:late', 'cdc:d']);
  });

  it('changes nothing when no folded generation is saved', () => {
    const request = newest([folded(7, ['cdc:c'])], ['cdc:d']);
    expect(withoutSavedOrigins(request, 5)).toBe(request);
  });

  it('is what planSaves writes for a redelivered batch', () => {
    const plan = planSaves([newest([folded(5, ['cdc:a'])], ['cdc:d'])], new Map([['co-1', 5]]));
    expect(plan.alreadySaved.map((r) => r.work.generation)).toEqual([5]);
    expect(plan.fresh.map((r) => r.work.origins.map((o) => o.ref))).toEqual([['cdc:d']]);
  });
});

describe('diffsAgainstSaved', () => {
  it('diffs each company against its own saved members only', () => {
    const diffs = diffsAgainstSaved(
      [
        request('co-1', 2, [
          ['p-1', 'champion'],
          ['p-3', 'influencer'],
        ]),
        request('co-2', 2, [['p-9', 'blocker']]),
      ],
      [
        {
          company_id: 'co-1',
          person_id: 'p-1',
          role: 'influencer',
          score: '5.00',
          rationale: null,
        },
        { company_id: 'co-1', person_id: 'p-2', role: 'end_user', score: '5.00', rationale: null },
        { company_id: 'co-2', person_id: 'p-9', role: 'blocker', score: '5.00', rationale: null },
      ],
    );
    const co1 = diffs.get('co-1');
    expect(co1?.added.map((m) => m.personId)).toEqual(['p-3']);
    expect(co1?.removed.map((m) => m.personId)).toEqual(['p-2']);
    expect(co1?.roleChanged).toEqual([
      { personId: 'p-1', fullName: 'p-1', fromRole: 'influencer', toRole: 'champion' },
    ]);
    expect(diffs.get('co-2')).toEqual({ added: [], removed: [], roleChanged: [] });
  });

  it('counts every member of a company saved for the first time as added', () => {
    const diffs = diffsAgainstSaved([request('co-new', 1, [['p-1', 'champion']])], []);
    expect(diffs.get('co-new')?.added.map((m) => m.personId)).toEqual(['p-1']);
  });
});

describe('membersToWrite', () => {
  const member = (personId: string, over: Record<string, unknown> = {}) => ({
    personId,
    fullName: personId,
    title: null,
    department: null,
    seniority: null,
    role: 'champion',
    score: 7.5,
    rationale: 'owns the budget',
    enrichment: null,
    research: null,
    ...over,
  });
  const saveOf = (members: ReturnType<typeof member>[]): SaveRequest => ({
    traceId: null,
    work: { companyId: 'co-1', generation: 9, members } as unknown as BuyerGroupWorkRecord,
  });
  const saved = (personId: string, over: Partial<SavedMemberRow> = {}): SavedMemberRow => ({
    company_id: 'co-1',
    person_id: personId,
    role: 'champion',
    score: '7.50',
    rationale: 'owns the budget',
    ...over,
  });

  it('skips the members saved exactly so, and writes new, changed and paid ones', () => {
    const written = membersToWrite(
      [
        saveOf([
          member('same'),
          member('new'),
          member('role', { role: 'blocker' }),
          member('score', { score: 7.499 }),
          member('why', { rationale: 'signs' }),
          member('paid', { enrichment: '{"email":"x"}' }),
        ]),
      ],
      [saved('same'), saved('role'), saved('score'), saved('why'), saved('paid'), saved('gone')],
    );
    expect(written.map((w) => w.member.personId)).toEqual(['new', 'role', 'why', 'paid']);
  });

  it('compares per company: the same person saved in another company is new here', () => {
    const written = membersToWrite([saveOf([member('p1')])], [saved('p1', { company_id: 'co-2' })]);
    expect(written.map((w) => w.member.personId)).toEqual(['p1']);
  });
});

describe('planSaves after a crash between the database commit and the Kafka commit', () => {
  const request = (companyId: string, generation: number, earlier: number[] = []) => ({
    work: { companyId, generation, origins: [], originCount: 0 } as unknown as BuyerGroupWorkRecord,
    traceId: null,
    earlier: earlier.map((g) => ({
      work: {
        companyId,
        generation: g,
        origins: [],
        originCount: 0,
      } as unknown as BuyerGroupWorkRecord,
      traceId: null,
    })),
  });

  it('publishes again the saved generation a newer one of the batch folds in, then saves the newer', () => {
    const plan = planSaves([request('c1', 9, [5, 7])], new Map([['c1', 7]]));
    expect(plan.alreadySaved.map((r) => r.work.generation)).toEqual([7]);
    expect(plan.fresh.map((r) => r.work.generation)).toEqual([9]);
  });

  it('publishes nothing again when the saved generation is not one of the batch', () => {
    const plan = planSaves([request('c1', 9, [5, 7])], new Map([['c1', 6]]));
    expect(plan.alreadySaved).toEqual([]);
    expect(plan.fresh.map((r) => r.work.generation)).toEqual([9]);
  });
});
