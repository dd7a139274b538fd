import { launchService } from '@bgs/platform';
import { SERVICE_NAME, configSchema } from './config';

// Composition root. No input topics are consumed yet: consuming without a handler would lose events.
void launchService({ name: SERVICE_NAME, configSchema });
