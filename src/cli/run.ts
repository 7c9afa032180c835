/**
 * `oauth-lens audit`: the command line, in process. `run(argv, io)` returns the exit status, so tests call it
 * without spawning; `main.ts` only wires it to the real process.
 *
 * Exit status: 0 when no finding reaches `--fail-on` (default `error`), 1 when one does, 2 for a usage error
 * or an input that cannot be read (with a one-line message on stderr, never a stack trace).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildAuditReport, reachesFailOn, type FailOn, type InputReport } from '../core/report.ts';
import { TOOL_NAME, TOOL_VERSION } from '../report/version.ts';
import { auditConversion } from './audit-input.ts';
import { FORMATS, formatReport } from './format-report.ts';
import { InputError } from './input-error.ts';
import { readHar } from './input.ts';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether standard output is a terminal (text gets colour only then). */
  stdoutIsTTY?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** Standard input, for the file name `-`. */
  readStdin?: () => Buffer;
  /** Largest input accepted, in bytes (default: what fits in one JavaScript string). */
  maxInputBytes?: number;
}

export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: oauth-lens audit [options] FILE.har...

Audits the OAuth 2.0 / OpenID Connect authorization-code flows (and their PKCE)
recorded in HAR files: browser DevTools exports (Chrome's sanitized one too),
Playwright's recordHar, mitmproxy, Charles and Fiddler.

Options:
  -f, --format FORMAT   text (default), json, markdown or sarif
      --fail-on LEVEL   exit 1 when a finding is at least LEVEL:
                        error (default), warning, info; never: always exit 0
  -o, --output FILE     write the report to FILE instead of standard output
      --show-secrets    do not redact codes, verifiers, tokens, client secrets,
                        passwords, credentials and cookies
  -h, --help            show this help
  -V, --version         show the version

Each FILE is audited on its own (flows never span files); "-" reads standard input.

Exit status: 0 nothing reached --fail-on; 1 something did;
             2 usage error or an input that cannot be read.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  'fail-on': { type: 'string' },
  output: { type: 'string', short: 'o' },
  'show-secrets': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const usageError = (message: string) => {
    io.stderr(`oauth-lens: ${message}\nRun "oauth-lens --help" for usage.\n`);
    return EXIT_USAGE;
  };
  try {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      return usageError(firstSentence(error));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (values.version) {
      io.stdout(`${TOOL_NAME} ${TOOL_VERSION}\n`);
      return EXIT_OK;
    }
    const [command, ...files] = positionals;
    if (command === undefined) return usageError('missing command: oauth-lens audit FILE.har...');
    if (command !== 'audit') {
      return usageError(
        /\.har$/i.test(command) || command === '-'
          ? `unknown command "${command}" (did you mean "oauth-lens audit ${command}"?)`
          : `unknown command "${command}"`,
      );
    }
    const format = values.format ?? 'text';
    if (!isOneOf(FORMATS, format)) return usageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
    const failOn = values['fail-on'] ?? 'error';
    if (!isOneOf(FAIL_ON, failOn)) return usageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${failOn}")`);
    if (!files.length) return usageError('audit needs at least one HAR file');
    if (values.output === '') return usageError('--output needs a file name');
    const showSecrets = values['show-secrets'] === true;

    const inputs: InputReport[] = [];
    let unreadable = false;
    for (const file of files) {
      const input = await auditFile(file, { showSecrets, skipAnalysis: unreadable, io });
      if (input === undefined) unreadable = true;
      else if (!unreadable) inputs.push(input);
    }
    if (unreadable) return EXIT_USAGE;

    const report = buildAuditReport(inputs, { toolVersion: TOOL_VERSION, redacted: !showSecrets });
    const env = io.env ?? {};
    const color =
      format === 'text' &&
      values.output === undefined &&
      io.stdoutIsTTY === true &&
      !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') &&
      env.TERM !== 'dumb';
    const output = formatReport(report, format, color);

    if (values.output !== undefined) {
      try {
        writeFileSync(values.output, output);
      } catch (error) {
        io.stderr(`oauth-lens: ${values.output}: cannot write the report: ${fsReason(error)}\n`);
        return EXIT_USAGE;
      }
    } else {
      io.stdout(output);
    }
    return reachesFailOn(report.summary, failOn as FailOn) ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    io.stderr(`oauth-lens: internal error: ${firstSentence(error)}\n`);
    return EXIT_USAGE;
  }
}

/** Read, convert, analyse and report one input; undefined (after a stderr line) when it cannot be read. */
async function auditFile(
  file: string,
  options: { showSecrets: boolean; skipAnalysis: boolean; io: CliIO },
): Promise<InputReport | undefined> {
  const { io } = options;
  const label = file === '-' ? '<stdin>' : file;
  let conversion: ReturnType<typeof readHar>;
  try {
    conversion = readHar(file, {
      ...(io.maxInputBytes !== undefined ? { maxBytes: io.maxInputBytes } : {}),
      ...(io.readStdin ? { readStdin: io.readStdin } : {}),
    });
  } catch (error) {
    const problem = error instanceof InputError ? error.message : firstSentence(error);
    io.stderr(`oauth-lens: ${label}: ${problem}\n`);
    return undefined;
  }
  if (options.skipAnalysis) return undefined;
  const input = await auditConversion(conversion, { file: label, redact: !options.showSecrets });
  if (input.skippedEntries.length) {
    const total = input.summary.exchanges + input.skippedEntries.length;
    const shown = input.skippedEntries.slice(0, 3).join('; ');
    const more = input.skippedEntries.length > 3 ? `; and ${input.skippedEntries.length - 3} more` : '';
    io.stderr(`oauth-lens: ${label}: skipped ${input.skippedEntries.length} of ${total} HAR entries (${oneLine(shown)}${more})\n`);
  }
  for (const problem of input.problems) io.stderr(`oauth-lens: ${label}: analysis problem: ${oneLine(problem)}\n`);
  return input;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function firstSentence(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs appends advice about "--" after the first sentence.
  return oneLine(message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
}

function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return firstSentence(error);
}
