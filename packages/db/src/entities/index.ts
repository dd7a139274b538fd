import { ApiKey } from './api-key.entity';
import { BuyerGroupMember } from './buyer-group-member.entity';
import { BuyerGroupRefreshLog } from './buyer-group-refresh-log.entity';
import { BuyerGroup } from './buyer-group.entity';
import { CompanyCooldown } from './company-cooldown.entity';
import { Company } from './company.entity';
import { DebeziumHeartbeat } from './debezium-heartbeat.entity';
import { PersonObservation } from './person-observation.entity';
import { PersonUpstreamCommit } from './person-upstream-commit.entity';
import { Person } from './person.entity';
import { PipelineOperation } from './pipeline-operation.entity';
import { RefreshRequest } from './refresh-request.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEvent } from './webhook-event.entity';
import { WorkspaceSettings } from './workspace-settings.entity';

export {
  ApiKey,
  BuyerGroup,
  BuyerGroupMember,
  BuyerGroupRefreshLog,
  Company,
  CompanyCooldown,
  DebeziumHeartbeat,
  Person,
  PersonObservation,
  PersonUpstreamCommit,
  PipelineOperation,
  RefreshRequest,
  WebhookDelivery,
  WebhookEvent,
  WorkspaceSettings,
};

/** Every entity, in the order the DataSource registers them. */
export const ENTITIES = [
  Company,
  Person,
  DebeziumHeartbeat,
  BuyerGroup,
  BuyerGroupMember,
  WebhookEvent,
  BuyerGroupRefreshLog,
  PipelineOperation,
  ApiKey,
  RefreshRequest,
  WorkspaceSettings,
  CompanyCooldown,
  PersonObservation,
  PersonUpstreamCommit,
  WebhookDelivery,
] as const;
