import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { WebhookEvent } from './webhook-event.entity';

/**
 * What arrived for one verified webhook, kept for an operator (ingress's claim statement
 * writes it with the claim): the raw body, gzip-compressed, and the headers on ingress's
 * allow-list (never a signature, a credential or a cookie). Source, event type and status are
 * the `webhook_events` row's, whose id this row shares. Deleted after the retention.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('ix_webhook_deliveries_received_at', ['receivedAt'])
@Check('ck_webhook_deliveries_body_bytes', '"body_bytes" >= 0')
export class WebhookDelivery {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id!: string;

  @ManyToOne(() => WebhookEvent, { nullable: false, onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'id', foreignKeyConstraintName: 'fk_webhook_deliveries_event' })
  event?: WebhookEvent;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  /** Allowed header names (lower case) to their values. */
  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** The raw body, gzip. */
  @Column({ type: 'bytea' })
  body!: Buffer;

  /** The raw body's size before compression. */
  @Column({ name: 'body_bytes', type: 'integer' })
  bodyBytes!: number;

  /** The delivery this one replays under a new event id, if it is such a replay. */
  @Column({ name: 'replay_of', type: 'uuid', nullable: true })
  replayOf!: string | null;
}
