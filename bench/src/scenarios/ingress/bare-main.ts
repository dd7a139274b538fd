/**
 * The bare door's process (bare-door.ts): `node bare-main.js` forked by the bench, the secret in
 * BGS_BARE_DOOR_SECRET. Listens on 127.0.0.1, port 0, and sends `{ port }` over IPC.
 *
 * The verifier is ingress's own, from its build (services/ingress/dist, what the running ingress
 * executes): the bench's tsconfig compiles bench/ only (rootDir `.`), so it takes
 * services/ingress/src/webhooks/signatures through the package, as it takes @bgs/platform.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyLegacyHmac } from '@bgs/ingress/dist/webhooks/signatures';
import { BARE_SECRET_ENV, bareDoorHandler } from './bare-door';

function main(): void {
  const secret = process.env[BARE_SECRET_ENV];
  if (!secret) throw new Error(`${BARE_SECRET_ENV} is not set`);
  const server = http.createServer(bareDoorHandler({ secret, verify: verifyLegacyHmac }));
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The channel closes when the bench exits, however it exits: no door is left behind.
  process.once('disconnect', stop);
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
}

try {
  main();
} catch (error) {
  process.stderr.write(`bare door failed: ${String(error)}\n`);
  process.exit(1);
}
