import type { SeededPerson } from './seed';
import { acceptedAt, changesDue, nextTitle, planChange, webhookAnswer } from './traffic-plan';

describe('nextTitle', () => {
  it('always changes the title, so every change is significant', () => {
    for (const r of [0, 0.2, 0.5, 0.99]) {
      expect(nextTitle('Staff Engineer', () => r)).not.toBe('Staff Engineer');
    }
  });
});

describe('changesDue', () => {
  it('is one change every 1/rate s since the start, whole changes only', () => {
    expect(changesDue(0, 10)).toBe(0);
    expect(changesDue(99, 10)).toBe(0);
    expect(changesDue(100, 10)).toBe(1);
    expect(changesDue(2_550, 10)).toBe(25);
    expect(changesDue(1_000, 3)).toBe(3);
  });
});

describe('planChange', () => {
  const person = (id: string, rowTitle: string, reportedTitle?: string): SeededPerson => ({
    id,
    companyId: `co-${id}`,
    rowTitle,
    reportedTitle,
  });
  const people = [
    person('a', 'Staff Engineer'),
    person('b', 'Head of Platform', 'Security Architect'),
  ];
  const first = () => 0;

  it('picks only people with no change in flight', () => {
    expect(planChange(people, new Set(['a']), 0, first)?.person.id).toBe('b');
    expect(planChange(people, new Set(['a', 'b']), 0, first)).toBeUndefined();
  });

  it('alternates: a SQL write first, then a webhook', () => {
    expect([0, 1, 2, 3].map((n) => planChange(people, new Set(), n, first)?.viaWebhook)).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });

  it("changes a SQL write's row title, and reports a title other than the one last reported", () => {
    // "b" was reported as Security Architect; the row still says Head of Platform.
    const [sql, webhook] = [0, 1].map((n) => planChange(people.slice(1), new Set(), n, first));
    expect(sql?.title).not.toBe('Head of Platform');
    expect(webhook?.title).not.toBe('Security Architect');
    expect(sql?.title).toBe(nextTitle('Head of Platform', first));
    expect(webhook?.title).toBe(nextTitle('Security Architect', first));
  });
});

describe('webhookAnswer', () => {
  it('takes 202, and 200 (an earlier try was taken), as accepted', () => {
    expect(webhookAnswer(202)).toBe('accepted');
    expect(webhookAnswer(200)).toBe('accepted');
  });

  it('gives up on a refusal, but retries timeouts, rate limits, server errors and no answer', () => {
    expect([400, 401, 404, 413, 422].map(webhookAnswer)).toEqual(Array(5).fill('refused'));
    expect([0, 408, 429, 500, 503].map(webhookAnswer)).toEqual(Array(5).fill('retry'));
  });
});

describe('acceptedAt', () => {
  it('is the answer for a 202, the first try for a 200 whose first answer was lost', () => {
    expect(acceptedAt(202, 1_000, 5_000)).toBe(5_000);
    expect(acceptedAt(200, 1_000, 5_000)).toBe(1_000);
  });
});
