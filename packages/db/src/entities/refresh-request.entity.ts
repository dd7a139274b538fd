import { ENRICHMENT_LEVELS, type EnrichmentLevel } from '@bgs/domain';
import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { sqlIn } from '../sql';
import { CLAIM_STATUSES, type ClaimStatus } from '../values';
import { ApiKey } from './api-key.entity';

/**
 * A manual refresh asked through the API. UNIQUE (workspace_id, idempotency_key): a retried
 * request with the same Idempotency-Key finds the first one instead of making a second.
 */
@Entity({ name: 'refresh_requests' })
@Unique('uq_refresh_requests_workspace_idempotency_key', ['workspaceId', 'idempotencyKey'])
@Index('ix_refresh_requests_company_id', ['companyId'])
@Check('ck_refresh_requests_level', sqlIn('level', ENRICHMENT_LEVELS))
@Check('ck_refresh_requests_status', sqlIn('status', CLAIM_STATUSES))
export class RefreshRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_refresh_requests' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'text' })
  workspaceId!: string;

  @Column({ name: 'company_id', type: 'text' })
  companyId!: string;

  @Column({ name: 'api_key_id', type: 'uuid' })
  apiKeyId!: string;

  @ManyToOne(() => ApiKey, { nullable: false, onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'api_key_id', foreignKeyConstraintName: 'fk_refresh_requests_api_key' })
  apiKey?: ApiKey;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ type: 'text' })
  level!: EnrichmentLevel;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text', default: 'claimed' })
  status!: ClaimStatus;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;
}
