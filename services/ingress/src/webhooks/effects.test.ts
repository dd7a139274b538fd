import type { PersonChangeRecord } from '@bgs/platform';
import { deliveryTouches, readDelivery } from './effects';

/** The delivery's observations, and its touches given where its person was known to be. */
const deliveryEffects = (record: PersonChangeRecord, knownBefore: readonly string[] = []) => {
  const delivery = readDelivery(record);
  return { observations: delivery.observations, touches: deliveryTouches(delivery, knownBefore) };
};

const record = (over: Partial<PersonChangeRecord> = {}): PersonChangeRecord => ({
  eventId: 'evt-1',
  source: 'demo',
  eventType: 'person.role_change',
  companyId: 'co-1',
  previousCompanyId: null,
  personId: 'p-1',
  changes: [{ field: 'title', before: 'Engineer', after: 'CTO' }],
  occurredAt: 1_000,
  receivedAt: 1_500,
  payload: '{}',
  ...over,
});

describe('what an accepted delivery causes downstream', () => {
  it("touches the person's company at the workspace's level, named after the delivery, and records the reported title", () => {
    const { touches, observations } = deliveryEffects(record());
    expect(touches).toEqual([
      {
        companyId: 'co-1',
        level: null,
        reason: 'person.role_change',
        triggeredBy: 'webhook:demo:evt-1',
        origins: [{ ref: 'webhook:demo:evt-1', occurredAt: 1_000 }],
        cooldownElapsed: false,
      },
    ]);
    expect(observations).toEqual([
      {
        personId: 'p-1',
        field: 'title',
        value: 'CTO',
        source: 'demo',
        eventId: 'evt-1',
        occurredAt: 1_000,
        receivedAt: 1_500,
      },
    ]);
  });

  it('touches both companies of a move, the one left first, and records the move', () => {
    const { touches, observations } = deliveryEffects(
      record({
        eventType: 'person.company_change',
        companyId: 'co-new',
        previousCompanyId: 'co-old',
        changes: [{ field: 'company', before: 'co-old', after: 'co-new' }],
      }),
    );
    expect(touches.map((touch) => touch.companyId)).toEqual(['co-old', 'co-new']);
    expect(observations.map((o) => [o.field, o.value])).toEqual([['company', 'co-new']]);
  });

  it('touches nothing for a re-announced title that differs only in case, but still records it', () => {
    const { touches, observations } = deliveryEffects(
      record({ changes: [{ field: 'title', before: 'VP Sales', after: 'vp sales' }] }),
    );
    expect(touches).toEqual([]);
    expect(observations).toHaveLength(1);
  });

  it("refreshes a company event's group with the event type as its reason, and observes nobody", () => {
    const { touches, observations } = deliveryEffects(
      record({ eventType: 'company.acquisition', personId: null, changes: [] }),
    );
    expect(touches.map((touch) => [touch.companyId, touch.reason])).toEqual([
      ['co-1', 'company.acquisition'],
    ]);
    expect(observations).toEqual([]);
  });

  it('a move also touches the companies its person was known to be in, the one joined last', () => {
    const { touches } = deliveryEffects(
      record({
        eventId: 'evt-2',
        eventType: 'person.company_change',
        companyId: 'co-c',
        previousCompanyId: 'co-a',
        changes: [{ field: 'company', before: 'co-a', after: 'co-c' }],
      }),
      ['co-b', 'co-a'],
    );
    expect(touches.map((touch) => [touch.companyId, touch.triggeredBy])).toEqual([
      ['co-a', 'webhook:demo:evt-2'],
      ['co-b', 'webhook:demo:evt-2'],
      ['co-c', 'webhook:demo:evt-2'],
    ]);
  });

  it('a role change touches its company alone, wherever its person was known to be', () => {
    const { touches } = deliveryEffects(record(), ['co-b']);
    expect(touches.map((touch) => touch.companyId)).toEqual(['co-1']);
  });
});
