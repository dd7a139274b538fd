/**
 * The rows the demo writes, one interface per table, in camelCase; `load.ts` maps them onto
 * the columns of the upstream tables (`companies`, `people`) and of `workspace_settings`.
 */
import type { EnrichmentLevel } from '@bgs/domain';
import type { Department, Seniority } from './titles';

export interface WorkspaceRow {
  readonly workspaceId: string;
  readonly productCategory: string;
  readonly targetDepartments: readonly Department[];
  readonly changeLevel: EnrichmentLevel;
  readonly cooldownSeconds: number;
  readonly levelCostsUsd: Readonly<Record<EnrichmentLevel, number>>;
}

export interface CompanyRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly domain: string;
  readonly industry: string;
  readonly employeeCount: number;
}

export type PersonStatus = 'active' | 'left';

export interface PersonRow {
  readonly id: string;
  readonly companyId: string;
  readonly fullName: string;
  readonly email: string;
  readonly jobTitle: string;
  readonly department: Department;
  readonly seniority: Seniority;
  readonly managerId: string | null;
  readonly status: PersonStatus;
}

export interface Dataset {
  readonly workspaces: readonly WorkspaceRow[];
  readonly companies: readonly CompanyRow[];
  /** Each company's people in a row, every manager before the people reporting to them. */
  readonly people: readonly PersonRow[];
}
