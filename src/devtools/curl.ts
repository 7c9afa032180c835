/**
 * "Copy as curl" for a token request, to replay it by hand while debugging invalid_grant. Pure. Redacted by
 * default (a copied command ends up in chat logs and tickets); the user reveals to get a runnable one.
 */
import type { Exchange } from '../core/model.ts';
import type { Redactor } from '../core/redact.ts';

/** Request headers the browser sets itself or that make a replay misleading; left out of the command. */
const SKIPPED = new Set(['content-length', 'host', 'connection', 'accept-encoding']);
const CREDENTIAL_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization']);

/** POSIX shell single quotes: nothing inside is special except the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(exchange: Exchange, redactor: Redactor): string {
  const text = (v: string) => redactor.text(v);
  // One option (with its argument) per line, as DevTools' own "Copy as cURL".
  const parts = [`curl ${shellQuote(text(exchange.url))}`];
  if (exchange.method !== 'GET') parts.push(`-X ${shellQuote(exchange.method)}`);
  for (const h of exchange.requestHeaders) {
    if (SKIPPED.has(h.name) || h.name.startsWith(':') || h.name.startsWith('sec-')) continue;
    const value = redactor.active && CREDENTIAL_HEADERS.has(h.name) ? redactor.secret(h.name, h.value) : text(h.value);
    parts.push(`-H ${shellQuote(`${h.name}: ${value}`)}`);
  }
  const body = exchange.requestBody;
  if (body.kind === 'form') parts.push(`--data-raw ${shellQuote(text(body.raw))}`);
  else if (body.kind === 'text') parts.push(`--data-raw ${shellQuote(text(body.text))}`);
  return parts.join(' \\\n  ');
}
