import { Topics } from '@bgs/platform';
import { workTopicFor } from './work-route';

describe('workTopicFor', () => {
  it('sends an identify group straight to the sink when no paid refresh can be ahead of it', () => {
    expect(workTopicFor({ level: 'identify', cooldownSeconds: 3600, inPaidWindow: false })).toBe(
      Topics.buyerGroupResearched,
    );
  });

  it('sends every paid level through the enricher', () => {
    for (const level of ['enrich', 'deep_research'] as const) {
      expect(workTopicFor({ level, cooldownSeconds: 3600, inPaidWindow: false })).toBe(
        Topics.buyerGroupDiscovered,
      );
    }
  });

  it('keeps an identify group behind a paid refresh of its company that may be in flight', () => {
    expect(workTopicFor({ level: 'identify', cooldownSeconds: 3600, inPaidWindow: true })).toBe(
      Topics.buyerGroupDiscovered,
    );
  });

  it('sends identify through the enricher where no cooldown records paid refreshes', () => {
    expect(workTopicFor({ level: 'identify', cooldownSeconds: 0, inPaidWindow: false })).toBe(
      Topics.buyerGroupDiscovered,
    );
  });
});
