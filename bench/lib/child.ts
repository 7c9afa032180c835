/**
 * Run a measured Node child: wall time from spawn to exit (in the parent), and the child's own resource
 * usage (peak RSS, CPU) written at exit by the `report-usage.mjs` preload. The preload only registers an exit
 * hook, so the child runs exactly the command it is given (e.g. the real CLI, end to end).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('../children/report-usage.mjs', import.meta.url));

export interface ChildUsage {
  maxRSSKiB: number;
  userCPUMs: number;
  systemCPUMs: number;
  uptimeMs: number;
  exitCode: number;
}

export interface ChildRun {
  wallMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  usage?: ChildUsage;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd: string;
  /** Flags for node itself (before the script), e.g. `--cpu-prof`, `--import tsx`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

const MAX_CAPTURE = 1 << 20;

/** `node [nodeArgs] --import report-usage.mjs script args…` */
export async function runNode(script: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-lens-bench-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', PRELOAD, script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_CAPTURE) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_CAPTURE) stderr += d;
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => resolve([code, sig]));
    });
    const wallMs = performance.now() - started;
    if (timer) clearTimeout(timer);
    let usage: ChildUsage | undefined;
    try {
      usage = JSON.parse(readFileSync(usageFile, 'utf8')) as ChildUsage;
    } catch {
      usage = undefined;
    }
    return { wallMs, exitCode, signal, ...(usage ? { usage } : {}), stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run a command to completion (builds), streaming nothing; returns its exit code and output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ exitCode: number | null; output: string }> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    output += d;
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { exitCode, output };
}
