import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { sqlIn } from '../sql';
import { numericToNumber } from '../transformers';
import {
  PIPELINE_OPERATION_STATUSES,
  PIPELINE_STAGES,
  type PipelineOperationStatus,
  type PipelineStage,
} from '../values';

/**
 * One run of one pipeline stage for one input. The idempotency key (derived from the
 * stage and its input) makes a paid call happen at most once for the same input.
 */
@Entity({ name: 'pipeline_operations' })
@Unique('uq_pipeline_operations_idempotency_key', ['idempotencyKey'])
@Check('ck_pipeline_operations_stage', sqlIn('stage', PIPELINE_STAGES))
@Check('ck_pipeline_operations_status', sqlIn('status', PIPELINE_OPERATION_STATUSES))
@Check('ck_pipeline_operations_duration_ms', '"duration_ms" >= 0')
@Check('ck_pipeline_operations_cost_usd', '"cost_usd" >= 0')
@Index('ix_pipeline_operations_company_stage_created', ['companyId', 'stage', 'createdAt'])
export class PipelineOperation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_pipeline_operations' })
  id!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ type: 'text' })
  stage!: PipelineStage;

  @Column({ name: 'company_id', type: 'text' })
  companyId!: string;

  @Column({ type: 'jsonb' })
  input!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  output!: unknown;

  @Column({ type: 'text' })
  status!: PipelineOperationStatus;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** US dollars, 4 decimals; a number in TypeScript (see transformers.ts). */
  @Column({
    name: 'cost_usd',
    type: 'numeric',
    precision: 12,
    scale: 4,
    nullable: true,
    transformer: numericToNumber,
  })
  costUsd!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
