import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { sqlIn } from '../sql';
import { PERSON_STATUSES, type PersonStatus } from '../values';
import { Company } from './company.entity';

/** Upstream: a person working (or having worked) at a company, captured by Debezium. */
@Entity({ name: 'people' })
@Check('ck_people_status', sqlIn('status', PERSON_STATUSES))
@Check('ck_people_manager_not_self', '"manager_id" <> "id"')
@Index('ix_people_company_id', ['companyId'])
@Index('ix_people_manager_id', ['managerId'])
export class Person {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_people' })
  id!: string;

  @Column({ name: 'company_id', type: 'text' })
  companyId!: string;

  @ManyToOne(() => Company, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'company_id', foreignKeyConstraintName: 'fk_people_company' })
  company?: Company;

  @Column({ name: 'full_name', type: 'text' })
  fullName!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'job_title', type: 'text', nullable: true })
  jobTitle!: string | null;

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  /** Free text on purpose: the seniority taxonomy belongs to the application, not to us. */
  @Column({ type: 'text', nullable: true })
  seniority!: string | null;

  @Column({ name: 'manager_id', type: 'text', nullable: true })
  managerId!: string | null;

  @ManyToOne(() => Person, { nullable: true, onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'manager_id', foreignKeyConstraintName: 'fk_people_manager' })
  manager?: Person | null;

  @Column({ type: 'text', default: 'active' })
  status!: PersonStatus;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
