/**
 * The demo's upstream data: three workspaces that sell different things, their companies and
 * each company's org chart. Pure and deterministic: the same options give the same dataset.
 */
import { DEFAULT_LEVEL_COSTS_USD } from '@bgs/domain';
import { createRandom } from '../random';
import { CompanyNamePicker, generateCompany } from './companies';
import { generateOrgChart } from './org-chart';
import type { CompanyRow, Dataset, PersonRow, WorkspaceRow } from './rows';

export const DEFAULT_COMPANIES = 300;
export const DEFAULT_SEED = 42;

export interface DatasetOptions {
  readonly companies?: number;
  readonly seed?: number;
}

/**
 * One workspace refreshes at `enrich` so the demo also exercises the paid route and its
 * cooldown; the others stay at the cheap `identify`.
 */
export const WORKSPACES: readonly WorkspaceRow[] = [
  {
    workspaceId: 'ws-devtools',
    productCategory: 'software',
    targetDepartments: ['engineering', 'it'],
    changeLevel: 'identify',
    cooldownSeconds: 3600,
    levelCostsUsd: DEFAULT_LEVEL_COSTS_USD,
  },
  {
    workspaceId: 'ws-secops',
    productCategory: 'security',
    targetDepartments: ['security', 'it'],
    changeLevel: 'enrich',
    cooldownSeconds: 3600,
    levelCostsUsd: DEFAULT_LEVEL_COSTS_USD,
  },
  {
    workspaceId: 'ws-revops',
    productCategory: 'sales',
    // Revenue operations sits in `operations` ("Director, Revenue Operations").
    targetDepartments: ['sales', 'operations'],
    changeLevel: 'identify',
    cooldownSeconds: 3600,
    levelCostsUsd: DEFAULT_LEVEL_COSTS_USD,
  },
];

/**
 * Each company draws from its own stream, seeded from the dataset seed and its number, so a
 * company's org chart does not depend on how many companies come before it.
 */
const companySeed = (seed: number, index: number): number =>
  (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;

export function generateDataset(options: DatasetOptions = {}): Dataset {
  const count = options.companies ?? DEFAULT_COMPANIES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`companies must be a positive integer, got ${count}`);
  }
  const names = new CompanyNamePicker();
  const companies: CompanyRow[] = [];
  const people: PersonRow[] = [];
  for (let index = 1; index <= count; index++) {
    const random = createRandom(companySeed(seed, index));
    const workspace = WORKSPACES[(index - 1) % WORKSPACES.length] as WorkspaceRow;
    const company = generateCompany(random, names, index, workspace.workspaceId);
    companies.push(company);
    people.push(...generateOrgChart(random, company));
  }
  return { workspaces: WORKSPACES, companies, people };
}
