// Preloaded into a measured child with `node --import`: when the process exits (normally or through
// process.exit), write its own resource usage to $BENCH_USAGE_FILE. It does not change what the child runs.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', (exitCode) => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRSSKiB: usage.maxRSS,
        userCPUMs: usage.userCPUTime / 1000,
        systemCPUMs: usage.systemCPUTime / 1000,
        // performance.now() counts from the process's time origin: the child's own view of its lifetime.
        uptimeMs: performance.now(),
        exitCode,
      }),
    );
  });
}
