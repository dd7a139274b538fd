import { UpstreamTables1795000000000 } from './1795000000000-UpstreamTables';
import { PipelineTables1795000100000 } from './1795000100000-PipelineTables';
import { IngressTables1795000200000 } from './1795000200000-IngressTables';
import { RefresherTables1795000300000 } from './1795000300000-RefresherTables';
import { ProviderObservations1795000400000 } from './1795000400000-ProviderObservations';
import { WebhookArchive1795000500000 } from './1795000500000-WebhookArchive';
import { ApiKeyScopes1795000600000 } from './1795000600000-ApiKeyScopes';
import { ProviderBudget1795000700000 } from './1795000700000-ProviderBudget';

export {
  ApiKeyScopes1795000600000,
  IngressTables1795000200000,
  PipelineTables1795000100000,
  ProviderBudget1795000700000,
  ProviderObservations1795000400000,
  RefresherTables1795000300000,
  UpstreamTables1795000000000,
  WebhookArchive1795000500000,
};

/** Every migration, oldest first. Add new ones at the end; never edit a shipped one. */
export const MIGRATIONS = [
  UpstreamTables1795000000000,
  PipelineTables1795000100000,
  IngressTables1795000200000,
  RefresherTables1795000300000,
  ProviderObservations1795000400000,
  WebhookArchive1795000500000,
  ApiKeyScopes1795000600000,
  ProviderBudget1795000700000,
] as const;
