/**
 * The chaos traffic's decisions, pure: which person changes next and how, when changes are
 * due, and what ingress's answer to a webhook means. traffic.ts does the I/O.
 */
import type { SeededPerson } from './seed';
import { accepted } from './webhook';

const TITLES = [
  'Staff Engineer',
  'Principal Engineer',
  'Engineering Manager',
  'Director of Engineering',
  'Head of Platform',
  'Security Architect',
];

/** The next title: another one of the pool, never the current one. */
export function nextTitle(current: string, random: () => number): string {
  const others = TITLES.filter((t) => t !== current);
  return others[Math.floor(random() * others.length)] as string;
}

/** The title a person is known by: the last one reported, else the row's. */
export const currentTitle = (person: SeededPerson): string =>
  person.reportedTitle ?? person.rowTitle;

/** Open loop: how many changes are due `elapsedMs` after the start, one every 1/rate s. */
export const changesDue = (elapsedMs: number, ratePerSecond: number): number =>
  Math.floor((elapsedMs / 1000) * ratePerSecond);

export interface PlannedChange {
  readonly person: SeededPerson;
  readonly viaWebhook: boolean;
  readonly title: string;
}

/**
 * The next change, the `planned`-th so far (from 0): a person with no change in flight, then
 * alternately a SQL write (even) and a webhook (odd). Undefined when everyone is busy.
 */
export function planChange(
  people: readonly SeededPerson[],
  inFlight: ReadonlySet<string>,
  planned: number,
  random: () => number,
): PlannedChange | undefined {
  const free = people.filter((p) => !inFlight.has(p.id));
  const person = free[Math.floor(random() * free.length)];
  if (!person) return undefined;
  const viaWebhook = (planned + 1) % 2 === 0;
  // A webhook reports a title other than the one the person is known by; a SQL write changes
  // the row's own column, or it would be no change at all.
  const title = nextTitle(viaWebhook ? currentTitle(person) : person.rowTitle, random);
  return { person, viaWebhook, title };
}

/**
 * What ingress's status for one try means, as a provider would take it: accepted (202, or 200
 * when an earlier try was accepted but its answer lost), refused for good (a 4xx other than a
 * timeout or a rate limit), or try again (0 when unreachable, 408, 429, 5xx).
 */
export function webhookAnswer(status: number): 'accepted' | 'refused' | 'retry' {
  if (accepted(status)) return 'accepted';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'refused';
  return 'retry';
}

/** 202: accepted now. 200: an earlier try was accepted; its answer was lost. */
export const acceptedAt = (status: number, firstTryAt: number, now: number): number =>
  status === 202 ? now : firstTryAt;
