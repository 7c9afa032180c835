/**
 * The `oauth-lens` executable (bundled into dist-cli/oauth-lens.js, started by bin/oauth-lens.js): wires
 * `run` to the real process. Everything else lives in run.ts.
 */
import { run } from './run.ts';

// `oauth-lens audit x.har | head`: a reader that stops early ends the output, not the process with a stack
// trace; the exit status stays the audit's.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
    stdoutClosed = true;
    return;
  }
  throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => void process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  env: process.env,
});
