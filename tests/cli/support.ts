/**
 * Helpers for the CLI tests: run the command in process, and derive HAR files from the recorded fixture.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type CliIO } from '../../src/cli/run.ts';

/** The recorded clean sign-in (see tests/fixtures/README.md). */
export const FIXTURE = fileURLToPath(new URL('../fixtures/oidc-provider-code-pkce-good.har', import.meta.url));

/** Entry indexes in the fixture. */
export const ENTRY = { authorize: 4, login: 7, asRedirect: 11, callback: 12, token: 15 } as const;

export interface HarEntry {
  request: {
    method: string;
    url: string;
    headers: { name: string; value: string }[];
    cookies?: { name: string; value: string }[];
    postData?: { mimeType?: string; text?: string; params?: unknown[]; encoding?: string };
  };
  response: {
    status: number;
    headers: { name: string; value: string }[];
    cookies?: { name: string; value: string }[];
    redirectURL?: string;
    content: { size?: number; mimeType?: string; text?: string; encoding?: string };
  };
  [key: string]: unknown;
}
export interface Har {
  log: { entries: HarEntry[]; [key: string]: unknown };
}

export const fixtureText = (): string => readFileSync(FIXTURE, 'utf8');
export const loadFixture = (): Har => JSON.parse(fixtureText()) as Har;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `oauth-lens …` in process. */
export async function cli(args: string[], io: Partial<CliIO> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdoutIsTTY: false,
    env: {},
    ...io,
  });
  return { code, stdout, stderr };
}

/** A temporary directory, removed by the returned cleanup. */
export function tempDir(): {
  dir: string;
  path: (name: string) => string;
  write: (name: string, content: string | Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-lens-cli-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, content) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The fixture with its token request's code_verifier replaced, so the PKCE check fails (an error finding). */
export const OTHER_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export function mismatchHar(): Har {
  const har = loadFixture();
  const post = har.log.entries[ENTRY.token]!.request.postData!;
  post.text = post.text!.replace(/code_verifier=[^&]*/, `code_verifier=${OTHER_VERIFIER}`);
  delete post.params;
  return har;
}

const SECRET_NAMES = new Set([
  'code',
  'code_verifier',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'password',
  'token',
]);

/**
 * Every secret a HAR holds, collected from the raw file independently of the code under test (8 characters or
 * more: shorter values could occur by chance in a report): codes, verifiers, tokens, client secrets and
 * assertions, passwords (query, fragment, Location, form and JSON bodies, JSON responses), Authorization
 * credentials, and cookie values — except a cookie value the server also puts in its own URLs
 * (oidc-provider's interaction id), which is public.
 */
export function harSecrets(har: Har): string[] {
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 8) secrets.add(value);
  };
  const addParams = (query: string) => {
    for (const [name, value] of new URLSearchParams(query)) if (SECRET_NAMES.has(name)) add(value);
  };
  const addJson = (text: string | undefined) => {
    try {
      const json = JSON.parse(text ?? 'null') as unknown;
      if (json && typeof json === 'object') for (const [name, value] of Object.entries(json)) if (SECRET_NAMES.has(name)) add(value);
    } catch {
      // not JSON
    }
  };
  const urls = har.log.entries.map((e) => e.request.url);
  for (const entry of har.log.entries) {
    for (const url of [entry.request.url, entry.response.redirectURL ?? '']) {
      const at = url.search(/[?#]/);
      if (at !== -1) addParams(url.slice(at + 1).replace('#', '&'));
    }
    const post = entry.request.postData;
    if (post?.text !== undefined) {
      if (/form-urlencoded/i.test(post.mimeType ?? '')) addParams(post.text);
      else addJson(post.text);
    }
    if (entry.response.content.encoding !== 'base64') addJson(entry.response.content.text);
    for (const h of entry.request.headers) if (/^authorization$/i.test(h.name)) add(h.value.split(' ').pop());
    for (const c of [...(entry.request.cookies ?? []), ...(entry.response.cookies ?? [])]) {
      if (!urls.some((u) => u.includes(c.value))) add(c.value);
    }
  }
  return [...secrets];
}

/** The fixture's secrets: the code, the verifier, the tokens, the login password, the session cookies. */
export const fixtureSecrets = (har: Har = loadFixture()): string[] => harSecrets(har);

/** The fixture's sign-in repeated `count` times (each with its own state and code, a minute apart). */
export function repeatedFlowsHar(count: number): Har {
  const har = loadFixture();
  const original = har.log.entries;
  har.log.entries = [];
  for (let i = 0; i < count; i++) {
    for (const entry of original) {
      const copy = structuredClone(entry);
      const tag = (url: string) => url.replace(/([?&]state=)([^&]+)/, `$1$2-${i}`).replace(/([?&]code=)([^&]+)/, `$1$2-${i}`);
      copy.startedDateTime = new Date(Date.parse(String(entry.startedDateTime)) + i * 60_000).toISOString();
      copy.request.url = tag(copy.request.url);
      if (copy.response.redirectURL) copy.response.redirectURL = tag(copy.response.redirectURL);
      if (copy.request.postData?.text) copy.request.postData.text = tag(`?${copy.request.postData.text}`).slice(1);
      delete copy.request.postData?.params;
      har.log.entries.push(copy);
    }
  }
  return har;
}
