/**
 * What providers report about people (a new title, seniority, department or company), merged
 * with the upstream `people` rows field by field: the newer value wins. The upstream rows are
 * not ours to write, so a provider's word lives beside them (`person_observations`, the newest
 * per person and field) and discovery sees the merge. Pure: no I/O, no clock.
 */
import type { Change, Person } from './model';
import { compareCodeUnits } from './text';

export const OBSERVED_FIELDS = ['title', 'seniority', 'department', 'company'] as const;
export type ObservedField = (typeof OBSERVED_FIELDS)[number];

export interface Observation {
  readonly personId: string;
  readonly field: ObservedField;
  /** The reported new value (for `company`, the company id the person moved to). */
  readonly value: string | null;
  readonly source: string;
  readonly eventId: string;
  /** When the provider says the change happened, epoch ms. */
  readonly occurredAt: number;
  /** When ingress received the webhook, epoch ms. */
  readonly receivedAt: number;
}

/** The Person property each observed field overrides. */
const PERSON_PROPERTY: Readonly<
  Record<ObservedField, 'jobTitle' | 'seniority' | 'department' | 'companyId'>
> = {
  title: 'jobTitle',
  seniority: 'seniority',
  department: 'department',
  company: 'companyId',
};

const isObservedField = (field: string): field is ObservedField =>
  Object.hasOwn(PERSON_PROPERTY, field);

/**
 * The time an observation counts from: the provider's, but never later than its receipt. A
 * provider clock running ahead (or a made-up date) must not let its report outrank upstream
 * changes committed after we heard of it; a time that is not a number at all counts as receipt.
 */
export function observedTime(observation: Observation): number {
  const { occurredAt, receivedAt } = observation;
  return Number.isFinite(occurredAt) ? Math.min(occurredAt, receivedAt) : receivedAt;
}

/**
 * What a provider change (a Change of kind 'provider', from fromProviderEvent in changes.ts)
 * reports, one Observation per field it changes that is in OBSERVED_FIELDS (`after` is the value);
 * none when it names no person. `receivedAt` comes from the webhook record.
 *
 * A `company` change with no company to move to is dropped here already: it could never apply,
 * and stored as the newest of its field it would displace a move that can.
 */
export function observationsOf(change: Change, receivedAt: number): Observation[] {
  if (change.kind !== 'provider' || change.personId === null) return [];
  if (change.origin.type !== 'webhook') return [];
  const { personId, occurredAt } = change;
  const { source, eventId } = change.origin;

  // One per field: a record built from a JSON object cannot repeat one, but if a hand-built one
  // does, the last wins, as it would for a repeated key in JSON.
  const byField = new Map<ObservedField, Observation>();
  for (const { field, after } of change.fields) {
    if (!isObservedField(field)) continue;
    const observation = { personId, field, value: after, source, eventId, occurredAt, receivedAt };
    if (isApplicable(observation)) byField.set(field, observation);
    else byField.delete(field);
  }
  return OBSERVED_FIELDS.flatMap((field) => byField.get(field) ?? []);
}

/**
 * Of two observations of one person and field, whether `candidate` supersedes `current`. The
 * later observedTime wins; on a tie the later receipt (the provider's latest word), then the
 * larger eventId, then source, then value, all in code-unit order: arbitrary but fixed, so that
 * which one is kept never depends on the order they were read or arrived in.
 */
export function supersedes(candidate: Observation, current: Observation): boolean {
  return compareObservations(candidate, current) > 0;
}

function compareObservations(a: Observation, b: Observation): number {
  return (
    compareNumbers(observedTime(a), observedTime(b)) ||
    compareNumbers(a.receivedAt, b.receivedAt) ||
    compareCodeUnits(a.eventId, b.eventId) ||
    compareCodeUnits(a.source, b.source) ||
    // Only a malformed pair gets this far (one event, two values): still pick the same one.
    compareCodeUnits(a.value ?? '', b.value ?? '') ||
    compareNumbers(a.value === null ? 0 : 1, b.value === null ? 0 : 1)
  );
}

/** NaN sorts first, so a garbled time never beats a real one. */
function compareNumbers(a: number, b: number): number {
  const x = Number.isNaN(a) ? -Infinity : a;
  const y = Number.isNaN(b) ? -Infinity : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A move needs a company to move to: without one (null or blank) the observation says nothing
 * we could apply. Other fields may legitimately be cleared, so their null stays a value.
 */
function isApplicable(observation: Observation): boolean {
  if (observation.field !== 'company') return true;
  return observation.value !== null && observation.value.trim() !== '';
}

export interface RosterInput {
  readonly companyId: string;
  readonly people: readonly Person[];
  readonly observations: readonly Observation[];
  readonly upstreamChangedAt: ReadonlyMap<string, number>;
}

/**
 * The roster discovery of `companyId` sees. `people` are upstream rows (they may include people of
 * other companies, e.g. someone observed to have moved in); `observations` may hold several per
 * person and field (the newest counts); `upstreamChangedAt` maps person id → commit time (epoch
 * ms) of the row's last change as Debezium reported it (absent: unknown, so any observation is
 * newer). Each observed field of a person takes the observation's value when the observation's
 * observedTime is later than the row's commit time; otherwise the upstream value stays. A person
 * whose effective company (after the merge) is not `companyId` is left out; someone observed to
 * have moved in is included. Order of the result: by person id (code-unit order). Pure: the same
 * input in any order gives the same output.
 *
 * Observations of people missing from `people` are ignored: a provider may know someone the
 * upstream does not, but we never invent a person from a webhook.
 */
export function mergeRoster(input: RosterInput): Person[] {
  const newest = newestObservations(input.observations);
  const roster: Person[] = [];
  for (const person of onePerId(input.people)) {
    const observed = newest.get(person.id);
    const merged =
      observed === undefined
        ? person
        : applyObservations(person, observed, input.upstreamChangedAt.get(person.id));
    if (merged.companyId === input.companyId) roster.push(merged);
  }
  return roster.sort((a, b) => compareCodeUnits(a.id, b.id));
}

type NewestByField = Map<ObservedField, Observation>;

/** The observation that counts per person and field: the one no other supersedes. */
function newestObservations(observations: readonly Observation[]): Map<string, NewestByField> {
  const byPerson = new Map<string, NewestByField>();
  for (const observation of observations) {
    // The type promises an observed field, but rows read back from storage are only as good as
    // the table; an unknown field has no property to override.
    if (!isObservedField(observation.field) || !isApplicable(observation)) continue;
    let byField = byPerson.get(observation.personId);
    if (byField === undefined) {
      byField = new Map();
      byPerson.set(observation.personId, byField);
    }
    const current = byField.get(observation.field);
    if (current === undefined || supersedes(observation, current)) {
      byField.set(observation.field, observation);
    }
  }
  return byPerson;
}

/**
 * The upstream row with each newer observation applied. A tie with the commit time goes to the
 * row: it is the system of record, and a provider that merely echoes it at the same instant has
 * nothing newer to say. An unknown (or garbled) commit time loses to any observation: all we
 * know is that the provider reported the value after we last heard of it. The row is returned
 * as it is when nothing differs, so callers can tell what the merge changed by identity.
 * `updatedAt` stays the row's: it describes the upstream row, not the provider's report.
 */
function applyObservations(
  person: Person,
  observed: NewestByField,
  committedAt: number | undefined,
): Person {
  const known = committedAt !== undefined && !Number.isNaN(committedAt);
  let merged = person;
  for (const [field, observation] of observed) {
    if (known && !(observedTime(observation) > committedAt)) continue;
    const property = PERSON_PROPERTY[field];
    if (merged[property] === observation.value) continue;
    // Only `company` may not be null, and isApplicable dropped those that are.
    merged = { ...merged, [property]: observation.value };
  }
  return merged;
}

/**
 * Each person once: a roster loaded in two parts (the company's own people and those observed to
 * have moved in) may hold a row twice. Same rule as discovery's canonicalRoster, so both keep
 * the same row: the later `updatedAt`, then a fixed order of the contents.
 */
function onePerId(people: readonly Person[]): Person[] {
  const byId = new Map<string, Person>();
  for (const person of people) {
    const seen = byId.get(person.id);
    if (seen === undefined || preferRow(person, seen)) byId.set(person.id, person);
  }
  return [...byId.values()];
}

function preferRow(candidate: Person, current: Person): boolean {
  const candidateTime = Date.parse(candidate.updatedAt ?? '') || 0;
  const currentTime = Date.parse(current.updatedAt ?? '') || 0;
  if (candidateTime !== currentTime) return candidateTime > currentTime;
  return compareCodeUnits(JSON.stringify(candidate), JSON.stringify(current)) > 0;
}
