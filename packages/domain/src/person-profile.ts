/**
 * One person as discovery sees them: the row's columns and the title read together. The
 * columns are the upstream's own data and win where they say something we understand.
 */
import { detectAreas, type Area } from './areas';
import { memoizeByText } from './memo';
import type { Person } from './model';
import { seniorityFromColumn, type SeniorityLevel } from './seniority';
import { normalizeText } from './text';
import { tokenize } from './title-tokens';
import { readTitle, type TitleReading } from './titles';

export interface PersonProfile {
  readonly person: Person;
  readonly active: boolean;
  readonly level: SeniorityLevel | null;
  /** The department column's areas first, then the title's; no repeats. */
  readonly areas: readonly Area[];
  readonly title: TitleReading;
  /** CEO, founder, owner, managing director: signs whatever the function. */
  readonly generalExecutive: boolean;
  /**
   * What "same department" means for cohesion: the column's area (so "Eng" and "Platform
   * Engineering" agree), else the title's.
   */
  readonly departmentKey: string | null;
}

/** Titles and departments repeat across people and refreshes: each is read once. */
const readTitleOnce = memoizeByText(readTitle);
const departmentAreasOnce = memoizeByText((department) => departmentAreasOf(department));
const columnLevelOnce = memoizeByText(seniorityFromColumn);
const isActiveStatus = memoizeByText((status) => normalizeText(status) === 'active');

export function profilePerson(person: Person): PersonProfile {
  const title = readTitleOnce(person.jobTitle);
  const departmentAreas = departmentAreasOnce(person.department);
  const areas = unionOf(departmentAreas, title.areas);
  const level = levelOf(person, title);
  return {
    person,
    active: isActiveStatus(person.status),
    level,
    areas,
    title,
    generalExecutive: level === 'c_level' && leadsNoFunction(areas, title),
    departmentKey: areas[0] ?? null,
  };
}

/** Both lists' areas, the first's first, each once (each list already holds an area once). */
function unionOf(first: readonly Area[], second: readonly Area[]): readonly Area[] {
  if (second.length === 0) return first;
  if (first.length === 0) return second;
  return [...new Set<Area>([...first, ...second])];
}

/** A CEO or founder, not a CTO who co-founded: the title names no function besides leading. */
function leadsNoFunction(areas: readonly Area[], title: TitleReading): boolean {
  return (
    areas.includes('executive') &&
    !title.supportsExecutive &&
    title.areas.every((area) => area === 'executive')
  );
}

function departmentAreasOf(department: string | null): readonly Area[] {
  const areas = detectAreas(tokenize(department));
  if (areas.length > 0) return areas;
  const name = normalizeText(department);
  return name === '' ? [] : [`custom:${name}`];
}

/**
 * The column's level, unless the title says something the column cannot: an intern, or someone
 * who works for an executive (the column often copies the boss's seniority for them).
 */
function levelOf(person: Person, title: TitleReading): SeniorityLevel | null {
  if (title.level === 'intern') return 'intern';
  if (title.supportsExecutive) return title.level;
  return columnLevelOnce(person.seniority) ?? title.level;
}
