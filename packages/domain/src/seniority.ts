/**
 * How senior someone is, from the upstream `seniority` column (a taxonomy, or free text) or
 * from the job title, in the languages our customers' data comes in.
 */
import { containsPhrase, matchPhrases, tokenize } from './title-tokens';

export const SENIORITY_LEVELS = [
  'intern',
  'entry',
  'mid',
  'senior',
  'manager',
  'director',
  'vp',
  'c_level',
] as const;
export type SeniorityLevel = (typeof SENIORITY_LEVELS)[number];

export const seniorityRank = (level: SeniorityLevel): number => SENIORITY_LEVELS.indexOf(level);

const oneBelow = (level: SeniorityLevel): SeniorityLevel =>
  SENIORITY_LEVELS[Math.max(0, seniorityRank(level) - 1)] as SeniorityLevel;

/** Whole values of the `seniority` column, tokenised ("c_level" → "c level"). */
const COLUMN_VALUES: ReadonlyMap<string, SeniorityLevel> = new Map<string, SeniorityLevel>([
  ...(['c level', 'c suite', 'cxo', 'executive', 'founder', 'owner', 'cofounder'] as const).map(
    (value) => [value, 'c_level'] as const,
  ),
  ['vp', 'vp'],
  ['svp', 'vp'],
  ['evp', 'vp'],
  ['director', 'director'],
  ['head', 'director'],
  ['manager', 'manager'],
  ['management', 'manager'],
  ['senior', 'senior'],
  ['lead', 'senior'],
  ['staff', 'senior'],
  ['principal', 'senior'],
  ['mid', 'mid'],
  ['mid level', 'mid'],
  ['intermediate', 'mid'],
  ['ic', 'mid'],
  ['individual contributor', 'mid'],
  ['professional', 'mid'],
  ['entry', 'entry'],
  ['entry level', 'entry'],
  ['junior', 'entry'],
  ['intern', 'intern'],
  ['trainee', 'intern'],
  ['training', 'intern'],
]);

/** Words whose level depends on their neighbours. */
type LevelWord = SeniorityLevel | 'modifier' | 'assistant' | 'chief';

const words = (level: LevelWord, list: readonly string[]) =>
  list.map((word) => [word, level] as const);

/** Title words and phrases; multi-word phrases win over their parts ("product manager" is IC). */
// prettier-ignore
const TITLE_WORDS: ReadonlyMap<string, LevelWord> = new Map<string, LevelWord>([
  ...words('c_level', [
    'ceo', 'cto', 'cio', 'ciso', 'cso', 'cfo', 'coo', 'cmo', 'cro', 'cpo', 'cdo', 'cdao', 'caio',
    'chro', 'cco', 'clo', 'cgo', 'cxo', 'cpto', 'founder', 'cofounder', 'owner', 'president',
    'presidente', 'pdg', 'dg', 'geschaftsfuhrer', 'geschaftsfuhrerin', 'geschaeftsfuehrer',
    'vorstand', 'grunder', 'gruender', 'fondateur', 'fondatrice', 'fundador', 'fundadora',
    'gerant', 'gerante', 'chairman', 'chairwoman', 'chairperson', 'managing director',
    'managing partner', 'chief executive', 'directeur general', 'directrice generale',
    'director general', 'directora general', 'gerente general', 'diretor presidente',
    'diretor geral', 'diretora geral', 'diretor executivo', 'director ejecutivo',
    'consejero delegado', 'board member', 'business owner',
  ]),
  ...words('vp', [
    'vp', 'svp', 'evp', 'general manager', 'general counsel', 'bereichsleiter',
    'bereichsleiterin',
  ]),
  ...words('director', [
    'director', 'directors', 'directora', 'directeur', 'directrice', 'diretor', 'diretora',
    'direktor', 'direktorin', 'head', 'leiter', 'leiterin', 'leitung', 'abteilungsleiter',
    'abteilungsleiterin', 'jefe', 'jefa', 'dsi', 'avp', 'corporate controller',
    'group product manager',
  ]),
  ...words('manager', [
    'manager', 'managers', 'gerente', 'supervisor', 'supervisora', 'team lead', 'team leader',
    'teamleiter', 'teamleiterin', 'gruppenleiter', 'gruppenleiterin', 'chef', 'coordenador',
    'coordenadora', 'encargado', 'encargada', 'responsable', 'subdirector', 'subdirectora',
  ]),
  ...words('senior', [
    'senior', 'principal', 'lead', 'architect', 'architecte', 'arquitecto', 'arquiteto',
    'distinguished', 'fellow', 'expert', 'experte', 'experto', 'member of technical staff',
  ]),
  ...words('mid', [
    'engineer', 'developer', 'analyst', 'specialist', 'consultant', 'administrator', 'admin',
    'sysadmin', 'designer', 'scientist', 'accountant', 'counsel', 'attorney', 'lawyer', 'buyer',
    'representative', 'rep', 'executive', 'officer', 'advisor', 'adviser', 'programmer',
    'technician', 'recruiter', 'marketer', 'strategist', 'writer', 'auditor', 'controller',
    'tester', 'technologist', 'partner', 'agent', 'professional', 'paralegal', 'ingenieur',
    'ingeniero', 'ingeniera', 'engenheiro', 'engenheira', 'analista', 'especialista',
    'consultor', 'consultora', 'desarrollador', 'desarrolladora', 'desenvolvedor',
    'desenvolvedora', 'entwickler', 'entwicklerin', 'developpeur', 'referent', 'referentin',
    'sachbearbeiter', 'sachbearbeiterin', 'comptable', 'acheteur', 'acheteuse', 'juriste',
    'abogado', 'abogada', 'advogado', 'advogada', 'contador', 'contadora', 'comprador',
    'compradora', 'einkaufer', 'einkauferin', 'administrateur', 'charge', 'chargee',
    // "Manager" and "owner" here name a portfolio, not people who report to them.
    'product manager', 'project manager', 'program manager', 'programme manager',
    'account manager', 'key account manager', 'customer success manager', 'success manager',
    'partner manager', 'community manager', 'office manager', 'case manager', 'category manager',
    'brand manager', 'content manager', 'social media manager', 'campaign manager',
    'event manager', 'events manager', 'territory manager', 'relationship manager',
    'release manager', 'technical account manager', 'chef de projet', 'chef de produit',
    'gerente de proyecto', 'gerente de projeto', 'jefe de proyecto', 'projektleiter',
    'projektleiterin', 'product owner', 'process owner', 'service owner', 'data owner',
    'system owner', 'staff', 'analyste', 'produktmanager', 'produktmanagerin',
  ]),
  ...words('entry', [
    'junior', 'coordinator', 'coordinador', 'coordinadora', 'coordinateur', 'coordinatrice',
    'graduate', 'entry', 'auxiliar', 'asistente', 'assistente',
  ]),
  ...words('assistant', ['assistant', 'associate']),
  ...words('modifier', ['deputy', 'vice', 'sub', 'adjunto', 'adjunta']),
  ...words('chief', ['chief']),
]);

// prettier-ignore
const INTERN_WORDS = new Set([
  'intern', 'interns', 'internship', 'praktikant', 'praktikantin', 'stagiaire', 'becario',
  'becaria', 'estagiario', 'estagiaria', 'trainee', 'apprentice', 'apprenti', 'apprentie', 'azubi',
  'auszubildender', 'auszubildende', 'werkstudent', 'werkstudentin', 'student', 'alternant',
  'alternante',
]);

/** Words after "Staff" that make it the senior engineering rung, not "staff accountant". */
// prettier-ignore
const STAFF_RUNG_NEXT = new Set([
  'engineer', 'software', 'data', 'scientist', 'designer', 'product', 'machine', 'ml', 'security',
  'site', 'backend', 'frontend', 'research', 'developer', 'architect', 'infrastructure', 'platform',
  'ux', 'sre', 'engineering', 'technical',
]);

/** Works for someone rather than in a function: an assistant, whoever the boss is. */
const ASSISTANT_TO = [
  'executive assistant',
  'personal assistant',
  'administrative assistant',
  'assistant to',
  'office assistant',
];

export function seniorityFromTitle(tokens: readonly string[]): SeniorityLevel | null {
  if (
    tokens.some((token) => INTERN_WORDS.has(token)) ||
    containsPhrase(tokens, 'working student')
  ) {
    return 'intern';
  }
  if (ASSISTANT_TO.some((phrase) => containsPhrase(tokens, phrase))) return 'entry';
  // "Chief of Staff to the CEO" runs the CEO's office; it is not the CEO.
  if (containsPhrase(tokens, 'chief of staff')) return 'director';
  const chiefOfficer = tokens.includes('chief') && tokens.includes('officer');
  const rungs = tokens.map((token, index) =>
    token === 'staff' && STAFF_RUNG_NEXT.has(tokens[index + 1] ?? '') ? 'senior' : token,
  );

  let best: SeniorityLevel | null = null;
  const consider = (level: SeniorityLevel) => {
    if (best === null || seniorityRank(level) > seniorityRank(best)) best = level;
  };
  // "Deputy", "Assistant", "Associate" lower the next rank they qualify ("Assistant Director").
  let pending: 'modifier' | 'assistant' | null = null;
  for (const word of matchPhrases(rungs, TITLE_WORDS, compoundLevel)) {
    if (word === 'modifier' || word === 'assistant') {
      if (pending === 'assistant') consider('entry');
      pending = word;
      continue;
    }
    // "Chief Revenue Officer" is the C-suite; "Chief Architect" is the top of a craft.
    let level: SeniorityLevel =
      word !== 'chief' ? word : chiefOfficer || tokens.includes('executive') ? 'c_level' : 'vp';
    if (pending !== null && seniorityRank(level) >= seniorityRank('manager')) {
      level = oneBelow(level);
    } else if (pending === 'assistant') {
      consider('entry'); // "Assistant" on its own is a rank: the first rung.
    }
    pending = null;
    consider(level);
  }
  if (pending === 'assistant') consider('entry');
  return best;
}

/** German compounds: "Einkaufsleiter" heads purchasing, "Projektleiter" runs a project. */
function compoundLevel(token: string): SeniorityLevel | undefined {
  if (!/(leiter|leiterin|leitung)$/.test(token)) return undefined;
  if (/^(team|gruppen)/.test(token)) return 'manager';
  if (/^projekt/.test(token)) return 'mid';
  return 'director';
}

/** The column's taxonomy first, then its free text read like a title. */
export function seniorityFromColumn(value: string | null): SeniorityLevel | null {
  const tokens = tokenize(value);
  if (tokens.length === 0) return null;
  return COLUMN_VALUES.get(tokens.join(' ')) ?? seniorityFromTitle(tokens);
}
