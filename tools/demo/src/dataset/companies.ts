import type { Random } from '../random';
import { COMPANY_FIRST_WORDS, COMPANY_SECOND_WORDS, DOMAIN_SUFFIXES, INDUSTRIES } from './names';
import type { CompanyRow } from './rows';

/** The industry a name implies ("Harbor Bank" is a bank); other names get a random one. */
const INDUSTRY_OF_WORD: Readonly<Record<string, string>> = {
  Bank: 'financial services',
  Payments: 'financial services',
  Insurance: 'insurance',
  Biotech: 'biotechnology',
  Health: 'healthcare',
  Energy: 'energy',
  Media: 'media',
  Logistics: 'logistics',
  Freight: 'logistics',
  Foods: 'retail',
  Commerce: 'retail',
  Networks: 'telecommunications',
  Software: 'software',
  Cloud: 'software',
  Security: 'software',
  Robotics: 'manufacturing',
};

export const companyId = (index: number): string => `co-${String(index).padStart(5, '0')}`;

const slug = (words: string): string => words.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Picks names and domains unique across the dataset. After the word lists run out (over 800
 * companies) names get a number, as "Acme Robotics 2".
 */
export class CompanyNamePicker {
  private readonly takenNames = new Set<string>();

  pick(random: Random): { name: string; domain: string; industry: string } {
    const first = random.pick(COMPANY_FIRST_WORDS);
    const second = random.pick(COMPANY_SECOND_WORDS);
    const base = `${first} ${second}`;
    let name = base;
    for (let n = 2; this.takenNames.has(name); n++) name = `${base} ${n}`;
    this.takenNames.add(name);
    // Domains follow names, so unique names give unique domains.
    const domain = `${slug(name)}.${random.pick(DOMAIN_SUFFIXES)}`;
    const industry = INDUSTRY_OF_WORD[second] ?? random.pick(INDUSTRIES);
    return { name, domain, industry };
  }
}

/** Log-uniform between 50 and 25,000: many small companies, a few large ones. */
export const employeeCount = (random: Random): number =>
  Math.round(50 * Math.pow(500, random.next()));

export function generateCompany(
  random: Random,
  names: CompanyNamePicker,
  index: number,
  workspaceId: string,
): CompanyRow {
  return {
    id: companyId(index),
    workspaceId,
    ...names.pick(random),
    employeeCount: employeeCount(random),
  };
}
