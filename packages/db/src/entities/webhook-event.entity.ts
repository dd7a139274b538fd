import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { sqlIn } from '../sql';
import { CLAIM_STATUSES, type ClaimStatus } from '../values';

/**
 * A webhook accepted by ingress. (source, event_id) is the idempotency key: a provider
 * redelivering the same event hits the unique constraint instead of creating a second row.
 */
@Entity({ name: 'webhook_events' })
@Unique('uq_webhook_events_source_event_id', ['source', 'eventId'])
@Index('ix_webhook_events_company_id', ['companyId'])
@Index('ix_webhook_events_received_at', ['receivedAt'])
@Check('ck_webhook_events_status', sqlIn('status', CLAIM_STATUSES))
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_events' })
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  /** How the signature was verified, e.g. `hmac-sha256`. */
  @Column({ name: 'signature_scheme', type: 'text' })
  signatureScheme!: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'company_id', type: 'text', nullable: true })
  companyId!: string | null;

  @Column({ type: 'text', default: 'enqueued' })
  status!: ClaimStatus;

  /** When the current claim was taken; an old `claimed` row was abandoned by a crash. */
  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt!: Date;
}
