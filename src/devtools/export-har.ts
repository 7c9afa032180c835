/**
 * Exchanges → a HAR 1.2 log, to hand a flow to someone else (or to `oauth-lens audit`). Pure. Secrets are
 * redacted by default with the same redactor as every other output, and the log says so in `log.comment`,
 * because a HAR that looks complete but is not would mislead whoever replays it. The markers are numbered
 * (`Redactor.numbered`): an audit of the export pairs codes and tokens as the audit of the capture did.
 */
import { decodeBase64Text } from '../capture/har.ts';
import type { Body, Exchange, Header } from '../core/model.ts';
import { noRedaction, type Redactor } from '../core/redact.ts';
import { TOOL_NAME } from '../report/version.ts';

export interface HarExportOptions {
  /** The source's redactor (the default in the panel), or `noRedaction` once the user revealed secrets. */
  redactor: Redactor;
  toolVersion: string;
}

export const HAR_REDACTION_COMMENT =
  'Exported by OAuth Lens with secrets redacted: authorization codes, PKCE verifiers, access/ID/refresh tokens, ' +
  'client secrets and assertions, passwords, cookies and Authorization headers are replaced by ‹redacted NAME, N chars, value K› ' +
  'markers (equal values share a number), so this HAR shows the flow but cannot replay it.';
export const HAR_UNREDACTED_COMMENT = 'Exported by OAuth Lens WITHOUT redaction: this HAR contains live secrets.';

export function exchangesToHar(exchanges: readonly Exchange[], { redactor: sourceRedactor, toolVersion }: HarExportOptions) {
  const redactor = sourceRedactor.numbered();
  return {
    log: {
      version: '1.2',
      creator: { name: TOOL_NAME, version: toolVersion },
      comment: redactor.active ? HAR_REDACTION_COMMENT : HAR_UNREDACTED_COMMENT,
      pages: [],
      entries: exchanges.map((e) => exchangeToHarEntry(e, redactor)),
    },
  };
}

const RESOURCE_TYPE = { navigation: 'document', subframe: 'document', form: 'document', fetch: 'fetch', other: 'other' } as const;

/** Headers whose whole value is a credential: the parameter rules do not know cookie or Basic syntax. */
const CREDENTIAL_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

export function exchangeToHarEntry(e: Exchange, redactor: Redactor = noRedaction) {
  const text = (value: string) => redactor.text(value);
  const headers = (list: readonly Header[]) =>
    list.map((h) => ({
      name: h.name,
      value: redactor.active && CREDENTIAL_HEADERS.has(h.name) ? redactedCredential(h, redactor) : text(h.value),
    }));
  const url = text(e.url);
  const query = url.indexOf('?');
  const time = e.endTime !== undefined ? Math.max(0, e.endTime - e.time) : 0;
  return {
    startedDateTime: new Date(e.time).toISOString(),
    time,
    request: {
      method: e.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(e.requestHeaders),
      queryString:
        query === -1
          ? []
          : url
              .slice(query + 1)
              .split('&')
              .filter(Boolean)
              .map((pair) => {
                const eq = pair.indexOf('=');
                return eq === -1 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
              }),
      ...postData(e.requestBody, redactor),
      headersSize: -1,
      bodySize: bodySize(e.requestBody),
    },
    response: {
      status: e.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(e.responseHeaders),
      content: content(e.responseBody, redactor),
      redirectURL: e.location !== undefined ? text(e.location) : '',
      headersSize: -1,
      bodySize: e.responseBody ? bodySize(e.responseBody) : -1,
    },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
    // Chrome's own extensions, which harToExchanges reads back.
    _resourceType: RESOURCE_TYPE[e.initiator],
    ...(e.initiatorOrigin !== undefined ? { _initiator: { type: 'other', url: e.initiatorOrigin } } : {}),
    ...(e.error !== undefined ? { _error: e.error } : {}),
  };
}

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1) keeps its scheme and its client id (public: the
 * authorization request names it), with the password replaced by its marker and base64-encoded again, so that an
 * audit of the export still sees which client authenticated with a secret (client-secret-in-browser). Any other
 * credential header becomes one marker, which the HAR adapter reads as a removed header.
 */
function redactedCredential(h: Header, redactor: Redactor): string {
  const basic = h.name === 'authorization' ? /^(\s*basic\s+)(\S+)\s*$/i.exec(h.value) : null;
  const decoded = basic ? decodeBase64Text(basic[2]!) : undefined;
  const colon = decoded?.indexOf(':') ?? -1;
  if (!basic || decoded === undefined || colon === -1) return redactor.secret(h.name, h.value);
  return basic[1] + encodeBase64(`${decoded.slice(0, colon)}:${redactor.secret('Basic password', decoded.slice(colon + 1))}`);
}

function encodeBase64(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(''));
}

function postData(body: Body, redactor: Redactor) {
  switch (body.kind) {
    case 'form':
      return { postData: { mimeType: 'application/x-www-form-urlencoded', text: redactor.text(body.raw) } };
    case 'text':
      return { postData: { mimeType: body.mimeType ?? 'text/plain', text: redactor.text(body.text) } };
    default:
      return {};
  }
}

function content(body: Body | undefined, redactor: Redactor) {
  // size -1: unknown, which harToExchanges reads back as "not observed" rather than "no body".
  if (!body) return { size: -1, mimeType: '', comment: 'response body not observed' };
  switch (body.kind) {
    case 'text':
      return { size: body.size, mimeType: body.mimeType ?? 'text/plain', text: redactor.text(body.text) };
    case 'form':
      return { size: body.raw.length, mimeType: 'application/x-www-form-urlencoded', text: redactor.text(body.raw) };
    case 'binary':
      return { size: body.size, mimeType: body.mimeType ?? 'application/octet-stream' };
    case 'none':
      return { size: 0, mimeType: '' };
  }
}

function bodySize(body: Body): number {
  switch (body.kind) {
    case 'none':
      return 0;
    case 'form':
      return body.raw.length;
    case 'text':
    case 'binary':
      return body.size;
  }
}
