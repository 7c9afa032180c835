/**
 * The web-platform globals the pure core may use, and nothing else: they exist alike in a service worker, a
 * page, a Web Worker and Node 20, so the core runs unchanged in the extension and the CLI. Only
 * tsconfig.core.json reads this file (it compiles src/core with the ES library alone, no DOM, Node or chrome
 * types), so `chrome`, `document`, `window` or `process` in the core fails to compile. The main tsconfig
 * excludes it: there the DOM library declares the same globals in full.
 *
 * Declared as the specifications define them (only the members the core needs): WHATWG URL Standard (URL,
 * URLSearchParams), WHATWG Encoding Standard (TextEncoder, TextDecoder), W3C Web Cryptography API
 * (crypto.subtle.digest), HTML Standard (atob, btoa).
 */

interface URL {
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  toString(): string;
}

declare var URL: {
  prototype: URL;
  new (url: string, base?: string): URL;
  canParse(url: string, base?: string): boolean;
};

interface URLSearchParams {
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string): boolean;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  toString(): string;
}

declare var URLSearchParams: {
  prototype: URLSearchParams;
  new (init?: string): URLSearchParams;
};

interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface TextDecoder {
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}

declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface SubtleCrypto {
  digest(algorithm: string | { name: string }, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer>;
}

interface Crypto {
  readonly subtle: SubtleCrypto;
}

declare var crypto: Crypto;

declare function atob(data: string): string;
declare function btoa(data: string): string;
