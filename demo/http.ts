// Small node:http helpers shared by the demo servers (no framework: the demo should be easy to read).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** Every demo server listens on loopback only; port 0 asks the OS for a free one. */
export const HOST = '127.0.0.1';

/** Starts listening and resolves with the port actually bound. */
export function listen(server: Server | HttpsServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server, dropping idle keep-alive connections (a browser holds some open). */
export function close(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

const MAX_BODY = 64 * 1024;

/** Reads a request body as text; the demo only ever receives small forms and JSON. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A complete page. The empty icon link stops the browser from asking for /favicon.ico, which would only
 * add noise to the recordings.
 */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; padding: 0 1rem; color: #222; }
  label { display: block; margin: .5rem 0; }
  input { font: inherit; padding: .2rem .4rem; }
  button { font: inherit; padding: .3rem .9rem; margin-right: .5rem; }
  code, pre { font-size: 13px; }
  pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
  iframe { display: block; width: 100%; height: 22rem; border: 1px solid #ccc; margin: .5rem 0; }
</style></head>
<body>${body}</body></html>`;
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}
