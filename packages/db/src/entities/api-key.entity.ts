import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { sqlIn } from '../sql';
import { API_KEY_SCOPES, type ApiKeyScope } from '../values';

/**
 * A bearer API key: of one workspace (`workspace` scope), or of the operators (`operator`
 * scope, no workspace). Only a SHA-256 of the key is stored (keys are long random strings, so
 * a fast hash is enough); the prefix lets people tell keys apart.
 */
@Entity({ name: 'api_keys' })
@Unique('uq_api_keys_key_hash', ['keyHash'])
@Index('ix_api_keys_workspace_id', ['workspaceId'])
@Check('ck_api_keys_scope', sqlIn('scope', API_KEY_SCOPES))
// A workspace key has a workspace and an operator key has none: never both, never neither.
@Check('ck_api_keys_scope_workspace', `("scope" = 'workspace') = ("workspace_id" IS NOT NULL)`)
export class ApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_keys' })
  id!: string;

  @Column({ type: 'text', default: 'workspace' })
  scope!: ApiKeyScope;

  /** Null for an operator key. */
  @Column({ name: 'workspace_id', type: 'text', nullable: true })
  workspaceId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix!: string;

  @Column({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
