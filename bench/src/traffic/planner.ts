/**
 * Plans the next change with the demo's planners (planSql, planHire, planWebhook) and the
 * demo's weights, but picks the person in constant time. The demo's planChange filters and
 * weighs all of the workforce for every change, which on a 3,000-company dataset (about
 * 110,000 people) costs milliseconds per change: the generator itself would cap the rate.
 * Here a person is drawn uniformly and kept with probability weight / MAX_WEIGHT (rejection
 * sampling), which gives the same distribution as the demo's weighted pick.
 */
import {
  KIND_WEIGHTS,
  planHire,
  planSql,
  planWebhook,
  type PersonState,
  type PlanContext,
  type PlannedChange,
  type Random,
  type Workforce,
} from '@bgs/demo';
import type { Mix } from '../args';

type KindWeight = (typeof KIND_WEIGHTS)[number];
type Kind = KindWeight[0];

/** focusWeight's largest answer: 4 in a target department × 2 for some seniority. */
export const MAX_WEIGHT = 8;
/** Tries before giving up on a kind (few people fit it) and drawing another, as the demo. */
const ATTEMPTS = 20;
/** Draws before concluding nobody is available (almost everyone busy or gone). */
const PERSON_DRAWS = 64;

/** The demo's weights, or only its webhook kinds. */
export function kindWeights(mix: Mix): readonly KindWeight[] {
  return mix === 'mixed' ? KIND_WEIGHTS : KIND_WEIGHTS.filter(([kind]) => kind.via === 'webhook');
}

export class Planner {
  private readonly ids: string[];
  private readonly kinds: readonly KindWeight[];

  constructor(
    private readonly workforce: Workforce,
    private readonly random: Random,
    private readonly weightOf: (person: PersonState) => number,
    mix: Mix,
  ) {
    this.ids = workforce.all().map((person) => person.id);
    this.kinds = kindWeights(mix);
  }

  /** The next change, or undefined when none could be planned; the caller applies SQL ones. */
  plan(isAvailable: (personId: string) => boolean): PlannedChange | undefined {
    const context: PlanContext = { random: this.random, workforce: this.workforce, isAvailable };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const kind: Kind = this.random.weighted(this.kinds);
      if (kind.via === 'sql' && kind.kind === 'hire') {
        const hire = planHire(context);
        if (!hire) continue;
        this.ids.push(hire.personId);
        return hire;
      }
      const person = this.pickPerson(isAvailable);
      if (!person) continue;
      const planned =
        kind.via === 'sql'
          ? planSql(context, kind.kind, person)
          : planWebhook(context, kind.kind, person);
      if (planned) return planned;
    }
    return undefined;
  }

  private pickPerson(isAvailable: (personId: string) => boolean): PersonState | undefined {
    for (let draw = 0; draw < PERSON_DRAWS; draw++) {
      const person = this.workforce.person(this.random.pick(this.ids));
      if (!person || person.status !== 'active' || !isAvailable(person.id)) continue;
      if (this.random.next() * MAX_WEIGHT < this.weightOf(person)) return person;
    }
    return undefined;
  }
}
