/**
 * A HAR of N sign-ins for the panel benchmark: the entries of tests/fixtures/demo/good.har (a real code + PKCE
 * + OIDC sign-in against oidc-provider, recorded by Chromium) cloned N times, each clone with fresh
 * state, nonce, code, code_verifier (and its S256 challenge), interaction ids and access token, its id_token's
 * nonce claim rewritten to match (the signature is left as recorded: nothing verifies it), and times shifted so
 * flow i starts `SPACING_MS` after flow i−1.
 *
 * To keep 10,000 flows at a size a person could plausibly import (~130 MB rather than ~850 MB), each clone
 * keeps 5 of the template's 12 entries (discovery, authorize, the /auth resume redirecting to the callback,
 * callback, token: the landing page and the login/consent pages are left out) and drops HTML bodies, the
 * `cookies` arrays (the same cookies stay in the headers) and Chromium's `_initiator_detail` / `_chunks`; JSON
 * bodies (discovery, token response) and all headers stay. Deterministic (seeded), cached in `.bench/` per N.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../lib/rng.ts';

/** Bump when the output changes: cached files of another version are regenerated. */
export const PANEL_HAR_VERSION = 1;
const SPACING_MS = 2_000;
/** The template entries kept (see `generate`): the sign-in pages in between are left out. */
const KEEP = [1, 2, 8, 9, 11];
const TEMPLATE = new URL('../../tests/fixtures/demo/good.har', import.meta.url);

export interface PanelHar {
  path: string;
  flows: number;
  entries: number;
  bytes: number;
  reused: boolean;
  generatedMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a generated HAR is edited freely before it is written
type Json = Record<string, any>;

export function ensurePanelHar(workDir: string, flows: number, seed = 20261122): PanelHar {
  mkdirSync(workDir, { recursive: true });
  const path = join(workDir, `panel-v${PANEL_HAR_VERSION}-s${seed}-f${flows}.har`);
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as PanelHar;
    if (meta.bytes === statSync(path).size) return { ...meta, path, reused: true };
  }
  const started = performance.now();
  const info = generate(path, flows, seed);
  info.generatedMs = performance.now() - started;
  writeFileSync(metaPath, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

function generate(path: string, flows: number, seed: number): PanelHar {
  const har = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Json;
  const all = har.log.entries as Json[];
  // Discovery, authorize (303 to the sign-in), the last /auth resume (303 to the callback), callback, token.
  const entries = KEEP.map((i) => slim(all[i]!));
  const text = JSON.stringify(entries);

  // The values that make a flow itself, found in the template.
  const authorize = new URL(entries.find((e) => /\/auth\?/.test(e.request.url))!.request.url);
  const token = entries.find((e) => e.request.method === 'POST' && /\/token$/.test(e.request.url))!;
  const form = new URLSearchParams(token.request.postData.text);
  const tokenResponse = JSON.parse(token.response.content.text) as Json;
  const fixed = {
    state: authorize.searchParams.get('state')!,
    nonce: authorize.searchParams.get('nonce')!,
    challenge: authorize.searchParams.get('code_challenge')!,
    code: form.get('code')!,
    verifier: form.get('code_verifier')!,
    accessToken: tokenResponse.access_token as string,
  };
  const interactions = [...new Set(text.match(/\/interaction\/[A-Za-z0-9_-]+/g)!.map((m) => m.slice('/interaction/'.length)))];
  const [idHeader, idPayload, idSignature] = (tokenResponse.id_token as string).split('.');
  const claims = JSON.parse(Buffer.from(idPayload!, 'base64url').toString()) as Json;
  const t0 = Date.parse(entries[0]!.startedDateTime);

  const rng = new Rng(seed);
  const random = (length: number) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[rng.uint32() & 63];
    return out;
  };

  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  const write = (chunk: string) => {
    bytes += writeSync(fd, chunk);
  };
  write(
    `{"log":{"version":"1.2","creator":${JSON.stringify({ name: 'oauth-lens bench/panel', version: String(PANEL_HAR_VERSION) })},"pages":[],"entries":[`,
  );
  let count = 0;
  for (let i = 0; i < flows; i++) {
    const verifier = random(fixed.verifier.length);
    const fresh = {
      state: random(fixed.state.length),
      nonce: random(fixed.nonce.length),
      code: random(fixed.code.length),
      verifier,
      challenge: createHash('sha256').update(verifier).digest('base64url'),
      accessToken: random(fixed.accessToken.length),
    };
    const idToken = `${idHeader}.${Buffer.from(JSON.stringify({ ...claims, nonce: fresh.nonce })).toString('base64url')}.${idSignature}`;
    let clone = text.replaceAll(tokenResponse.id_token as string, idToken);
    for (const key of Object.keys(fixed) as (keyof typeof fixed)[]) clone = clone.replaceAll(fixed[key], fresh[key]);
    for (const id of interactions) clone = clone.replaceAll(id, random(id.length));
    const shift = i * SPACING_MS;
    for (const entry of JSON.parse(clone) as Json[]) {
      entry.startedDateTime = new Date(Date.parse(entry.startedDateTime) - t0 + Date.UTC(2026, 10, 22) + shift).toISOString();
      if (typeof entry._requestTime === 'number') entry._requestTime += shift / 1000;
      write(`${count++ ? ',' : ''}\n${JSON.stringify(entry)}`);
    }
  }
  write('\n]}}\n');
  closeSync(fd);
  renameSync(tmp, path);
  return { path, flows, entries: count, bytes, reused: false };
}

/** The entry without what no analysis reads and only makes the file bigger. */
function slim(entry: Json): Json {
  const { _initiator_detail: _detail, _chunks, ...rest } = entry;
  // Cookies are in the Cookie / Set-Cookie headers too (what the analysis reads).
  rest.request = { ...rest.request, cookies: [] };
  rest.response = { ...rest.response, cookies: [] };
  const content = rest.response.content as Json;
  if (typeof content.text === 'string' && !/json/.test(String(content.mimeType))) {
    rest.response = { ...rest.response, content: { size: content.size, mimeType: content.mimeType } };
  }
  return rest;
}
