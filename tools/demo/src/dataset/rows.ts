/**
 * The rows the demo writes, typed from the entities of their tables (packages/db) and narrowed
 * to what the demo always fills in; `load.ts` maps them onto the columns of the upstream tables
 * (`companies`, `people`) and of `workspace_settings`.
 */
import type { Company, Person, WorkspaceSettings } from '@bgs/db';
import type { EnrichmentLevel } from '@bgs/domain';
import type { Department, Seniority } from './titles';

export interface WorkspaceRow extends Readonly<
  Pick<WorkspaceSettings, 'workspaceId' | 'productCategory' | 'changeLevel' | 'cooldownSeconds'>
> {
  readonly targetDepartments: readonly Department[];
  /** Every level's cost, not only overrides. */
  readonly levelCostsUsd: Readonly<Record<EnrichmentLevel, number>>;
}

export interface CompanyRow extends Readonly<
  Pick<Company, 'id' | 'workspaceId' | 'name' | 'domain' | 'industry' | 'employeeCount'>
> {
  readonly domain: string;
  readonly industry: string;
  readonly employeeCount: number;
}

export interface PersonRow extends Readonly<
  Pick<
    Person,
    | 'id'
    | 'companyId'
    | 'fullName'
    | 'email'
    | 'jobTitle'
    | 'department'
    | 'seniority'
    | 'managerId'
    | 'status'
  >
> {
  readonly email: string;
  readonly jobTitle: string;
  readonly department: Department;
  readonly seniority: Seniority;
}

export interface Dataset {
  readonly workspaces: readonly WorkspaceRow[];
  readonly companies: readonly CompanyRow[];
  /** Each company's people in a row, every manager before the people reporting to them. */
  readonly people: readonly PersonRow[];
}
