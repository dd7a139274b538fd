import {
  afterLostInsert,
  expiredClaimSql,
  markDoneSql,
  REFRESH_CLAIMS,
  releaseSql,
  rowOutcome,
  takeOverSql,
  WEBHOOK_CLAIMS,
  type ClaimOutcome,
  type ClaimRowResult,
} from './protocol';

describe('rowOutcome: what a take statement answered for a row', () => {
  const cases: [string, ClaimRowResult, ClaimOutcome][] = [
    [
      'inserted: claimed',
      { id: 'id-1', inserted: true, takenOver: false, previousStatus: null },
      { kind: 'claimed', id: 'id-1', takenOver: false },
    ],
    [
      'an expired claim taken over: claimed, and says so',
      { id: 'id-2', inserted: false, takenOver: true, previousStatus: 'claimed' },
      { kind: 'claimed', id: 'id-2', takenOver: true },
    ],
    [
      'enqueued by someone else: enqueued',
      { id: null, inserted: false, takenOver: false, previousStatus: 'enqueued' },
      { kind: 'enqueued' },
    ],
    [
      'a live claim of someone else: in flight',
      { id: null, inserted: false, takenOver: false, previousStatus: 'claimed' },
      { kind: 'in_flight' },
    ],
    [
      'a row not visible to the statement (released, or committed after it): in flight',
      { id: null, inserted: false, takenOver: false, previousStatus: null },
      { kind: 'in_flight' },
    ],
  ];
  it.each(cases)('%s', (_name, result, outcome) => {
    expect(rowOutcome(result)).toEqual(outcome);
  });
});

describe('afterLostInsert', () => {
  it("answers the winner's row as a duplicate when it can be read", () => {
    expect(afterLostInsert({ id: 'first' }, 0, 5)).toEqual({
      kind: 'duplicate',
      row: { id: 'first' },
    });
  });

  it('takes again while the winner released its claim in between, up to the attempts', () => {
    expect(afterLostInsert(undefined, 0, 5)).toEqual({ kind: 'retry' });
    expect(afterLostInsert(undefined, 3, 5)).toEqual({ kind: 'retry' });
    expect(() => afterLostInsert(undefined, 4, 5)).toThrow('5 attempts');
  });
});

describe('the statements, on the database clock', () => {
  it('judge expiry with now(), never with a time the process sends', () => {
    expect(expiredClaimSql(WEBHOOK_CLAIMS, 'w', '$11')).toMatch(
      /^w\.status = 'claimed'\s+AND w\.claimed_at < now\(\) - make_interval\(secs => \$11::double precision \/ 1000\)$/,
    );
    const takeOver = takeOverSql(REFRESH_CLAIMS, 'id, requested_at');
    expect(takeOver).toContain('SET requested_at = now()');
    expect(takeOver).toContain("t.status = 'claimed'");
    expect(takeOver).toContain('t.requested_at < now() - make_interval(secs => $2');
    expect(takeOver).toMatch(/RETURNING id, requested_at$/);
  });

  it('mark done by id with the time Kafka held it, and release only a claim', () => {
    expect(markDoneSql(WEBHOOK_CLAIMS)).toBe(
      "UPDATE webhook_events SET status = 'enqueued', processed_at = now()\nWHERE id = ANY($1::uuid[])",
    );
    expect(markDoneSql(REFRESH_CLAIMS)).toContain(
      "refresh_requests SET status = 'enqueued', enqueued_at = now()",
    );
    expect(releaseSql(REFRESH_CLAIMS)).toBe(
      "DELETE FROM refresh_requests WHERE id = $1 AND status = 'claimed'",
    );
  });
});
