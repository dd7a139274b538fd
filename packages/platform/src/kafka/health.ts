import type { Kafka } from 'kafkajs';
import type { HealthCheck } from '../health';
import type { ServiceResource } from '../resource';

/**
 * Kafka reachability for readiness: a dedicated admin client (no retries, so a probe fails
 * fast) that connects on first use and asks the cluster to describe itself.
 */
export function kafkaHealthResource(kafka: Kafka): ServiceResource & HealthCheck {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let connecting: Promise<void> | undefined;
  return {
    name: 'kafka-admin',
    async check() {
      connecting ??= admin.connect().catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      await connecting;
      const { brokers } = await admin.describeCluster();
      if (brokers.length === 0) throw new Error('the cluster reports no brokers');
    },
    stop: () => admin.disconnect(),
  };
}
