import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Written by the Debezium connector's `heartbeat.action.query`, so a quiet database still
 * produces WAL and the replication slot keeps advancing.
 */
@Entity({ name: 'debezium_heartbeat' })
export class DebeziumHeartbeat {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_debezium_heartbeat' })
  id!: number;

  @Column({ name: 'beat_at', type: 'timestamptz', default: () => 'now()' })
  beatAt!: Date;
}
