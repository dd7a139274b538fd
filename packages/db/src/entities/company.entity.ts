import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { sqlIn } from '../sql';
import { COMPANY_STATUSES, type CompanyStatus } from '../values';

/** Upstream: a company of the application database, captured by Debezium. */
@Entity({ name: 'companies' })
@Check('ck_companies_status', sqlIn('status', COMPANY_STATUSES))
@Check('ck_companies_employee_count', '"employee_count" >= 0')
@Index('ix_companies_workspace_id', ['workspaceId'])
export class Company {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_companies' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'text' })
  workspaceId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  domain!: string | null;

  @Column({ type: 'text', nullable: true })
  industry!: string | null;

  @Column({ name: 'employee_count', type: 'integer', nullable: true })
  employeeCount!: number | null;

  @Column({ type: 'text', default: 'active' })
  status!: CompanyStatus;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
