import { Type } from 'avsc';
import { frame } from '../avro/wire';
import type { RawRecord } from '../kafka/topic-reader';
import { evaluateDeadLetters, isRunDeadLetter, type DeadLetter } from './no-valid-dead-letters';

const letter = (
  key: string | null,
  decoded: unknown,
  value: Buffer | null = null,
  headers: Record<string, string> = {},
): DeadLetter => {
  const record: RawRecord = { topic: 'sink.dlq', partition: 2, offset: '7', key, value, headers };
  return { record, decoded };
};

const RUN = {
  companyIds: new Set(['run-co1', 'run-co2']),
  personIds: new Set(['run-co1-p3']),
};

describe('isRunDeadLetter', () => {
  it('takes a dead letter keyed by a run company', () => {
    expect(isRunDeadLetter(letter('run-co1', undefined), RUN)).toBe(true);
  });

  it('takes a decoded Avro record naming a run company', () => {
    expect(isRunDeadLetter(letter('x', { companyId: 'run-co2', generation: 1 }), RUN)).toBe(true);
    expect(isRunDeadLetter(letter('x', { previousCompanyId: 'run-co2' }), RUN)).toBe(true);
    expect(isRunDeadLetter(letter('x', { personId: 'run-co1-p3' }), RUN)).toBe(true);
  });

  it("takes a Debezium event of a run person's row", () => {
    const event = { op: 'u', before: null, after: { id: 'run-co1-p3', company_id: 'elsewhere' } };
    expect(isRunDeadLetter(letter('{"id":"run-co1-p3"}', event), RUN)).toBe(true);
    const company = { payload: { after: { id: 'p-9', company_id: 'run-co1' } } };
    expect(isRunDeadLetter(letter(null, company), RUN)).toBe(true);
  });

  it('takes undecodable bytes holding a run company as an Avro string', () => {
    const body = Type.forSchema({
      type: 'record',
      name: 'T',
      fields: [{ name: 'companyId', type: 'string' }],
    }).toBuffer({ companyId: 'run-co1' });
    const garbled = frame(999, Buffer.concat([body, Buffer.from([0xff])]));
    expect(isRunDeadLetter(letter('other', undefined, garbled), RUN)).toBe(true);
  });

  it("leaves other runs' dead letters alone", () => {
    expect(isRunDeadLetter(letter('co-1', { companyId: 'co-1' }), RUN)).toBe(false);
    expect(isRunDeadLetter(letter('co-1', undefined, Buffer.from('run-co1-garbage')), RUN)).toBe(
      false,
    );
  });
});

describe('evaluateDeadLetters', () => {
  it('passes when the dead letters since the start are not the run’s, and counts them', () => {
    const result = evaluateDeadLetters({
      deadLetters: [letter('co-1', { companyId: 'co-1' })],
      ...RUN,
    });
    expect(result).toEqual({
      name: 'no-valid-dead-letters',
      checked: 1,
      violations: [],
      notes: ["1 dead letters since the run started are not the run's"],
    });
  });

  it('reports a dead letter of the run with its bgs-error header', () => {
    const headers = {
      'bgs-error': 'registry unavailable',
      'bgs-error-kind': 'transient',
      'bgs-attempt': '4',
      'bgs-original-topic': 'buyer-group.researched',
      'bgs-original-partition': '2',
      'bgs-original-offset': '311',
    };
    const result = evaluateDeadLetters({
      deadLetters: [letter('run-co2', undefined, null, headers)],
      ...RUN,
    });
    expect(result.violations).toEqual([
      {
        invariant: 'no-valid-dead-letters',
        companyId: 'run-co2',
        detail:
          'sink.dlq 2:7 key run-co2 from buyer-group.researched 2:311, transient after 4 attempts: bgs-error "registry unavailable"',
      },
    ]);
  });
});
