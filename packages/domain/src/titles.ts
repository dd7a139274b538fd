/**
 * What a job title tells us: how senior, which functions, and the few kinds of work that change
 * someone's part in a purchase (hands-on technical work, running the tools of a function,
 * owning requirements, working for an executive rather than as one).
 */
import { detectAreas, TECHNICAL_AREAS, type KnownArea } from './areas';
import { seniorityFromTitle, type SeniorityLevel } from './seniority';
import { containsPhrase, tokenize } from './title-tokens';

export interface TitleReading {
  readonly level: SeniorityLevel | null;
  readonly areas: readonly KnownArea[];
  /** Whether any word of the title meant something to us; "???" and "asdf" do not. */
  readonly recognised: boolean;
  readonly chiefOfStaff: boolean;
  /** Works for an executive (assistant, chief of staff) rather than heading a function. */
  readonly supportsExecutive: boolean;
  /** Builds, runs or reviews technology hands-on. */
  readonly technical: boolean;
  /** Runs the systems and processes of a function ("Marketing Operations", "HRIS"). */
  readonly operationsSpecialist: boolean;
  /** Owns requirements without owning budget: product and programme people. */
  readonly shapesRequirements: boolean;
}

// prettier-ignore
const TECHNICAL_WORDS = new Set([
  'engineer', 'engineers', 'developer', 'developers', 'architect', 'administrator', 'admin',
  'sysadmin', 'sre', 'devops', 'programmer', 'scientist', 'technologist', 'technician', 'dba',
  'qa', 'tester', 'ingenieur', 'ingeniero', 'ingeniera', 'engenheiro', 'engenheira',
  'desarrollador', 'desarrolladora', 'desenvolvedor', 'desenvolvedora', 'entwickler',
  'entwicklerin', 'developpeur', 'developpeuse', 'architecte', 'arquitecto', 'arquiteto',
]);

/** Generic specialist nouns that are technical only in a technical area ("Security Analyst"). */
const SPECIALIST_WORDS = new Set([
  'analyst',
  'analyste',
  'analista',
  'specialist',
  'especialista',
  'consultant',
]);

// prettier-ignore
const OPERATIONS_WORDS = new Set([
  'operations', 'systems', 'hris', 'martech', 'automation', 'crm', 'enablement', 'tooling',
  'salesforce', 'hubspot', 'revops',
]);

// prettier-ignore
const REQUIREMENTS_PHRASES = [
  'product manager', 'product owner', 'program manager', 'programme manager', 'project manager',
  'business analyst', 'chef de produit', 'chef de projet', 'product lead',
];

const SUPPORT_PHRASES = [
  'executive assistant',
  'personal assistant',
  'assistant to',
  'chief of staff',
];

export function readTitle(title: string | null): TitleReading {
  const tokens = tokenize(title);
  const level = seniorityFromTitle(tokens);
  const areas = detectAreas(tokens);
  const technicalArea = areas.some((area) => TECHNICAL_AREAS.includes(area));
  const functional = areas.some((area) => area !== 'operations' && area !== 'executive');
  return {
    level,
    areas,
    recognised: level !== null || areas.length > 0,
    chiefOfStaff: containsPhrase(tokens, 'chief of staff'),
    supportsExecutive: SUPPORT_PHRASES.some((phrase) => containsPhrase(tokens, phrase)),
    technical: tokens.some(
      (token) => TECHNICAL_WORDS.has(token) || (technicalArea && SPECIALIST_WORDS.has(token)),
    ),
    operationsSpecialist: functional && tokens.some((token) => OPERATIONS_WORDS.has(token)),
    shapesRequirements: REQUIREMENTS_PHRASES.some((phrase) => containsPhrase(tokens, phrase)),
  };
}
