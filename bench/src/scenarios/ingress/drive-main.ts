/** The child process of the closed loop: `node drive-main.js '<job json>'`, result over IPC. */
import { drive, type DriveJob } from './drive';

drive(JSON.parse(process.argv[2] ?? '{}') as DriveJob).then(
  (result) => process.send?.(result, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`load generator failed: ${String(error)}\n`);
    process.exit(1);
  },
);
