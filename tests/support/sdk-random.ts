/**
 * The state, nonce and PKCE verifier of the five vendor SPA SDKs, generated as each one does it (read from their
 * npm packages in node_modules, versions of package-lock.json), over a byte source the test controls, so a
 * property test can check weak-random against what the SDKs really send. Each generator names the function it
 * follows.
 */
import { createHash } from 'node:crypto';

/** `n` bytes; the generators draw everything from it. */
export type Bytes = (n: number) => Uint8Array;

/** A deterministic, uniform byte source from a seed (SHA-256 in counter mode), so a failing seed replays. */
export function seededBytes(seed: number): Bytes {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; ) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      const take = Math.min(block.length, n - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A version-4 UUID as crypto.randomUUID() writes it (RFC 9562 §5.4). */
export function uuidV4(bytes: Bytes): string {
  const b = bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** MSAL's createNewGuid (msal-browser crypto/BrowserCrypto): a version-7 UUID of `time`, 74 random bits. */
export function msalGuid(bytes: Bytes, time: number): string {
  const b = new Uint8Array(16);
  for (let i = 0; i < 6; i++) b[i] = Math.floor(time / 2 ** (8 * (5 - i))) & 0xff;
  b.set(bytes(10), 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `length` characters of `alphabet`, each from one byte by rejection sampling (no modulo bias). */
function randomString(bytes: Bytes, length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length)
    for (const byte of bytes(length - out.length)) if (out.length < length && byte < limit) out += alphabet[byte % alphabet.length];
  return out;
}

/** `length` characters of `alphabet`, each a byte modulo its size (keycloak-js generateRandomString). */
function moduloString(bytes: Bytes, length: number, alphabet: string): string {
  return Array.from(bytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

export interface SdkValues {
  state: string;
  nonce?: string;
  verifier: string;
}

export const SDKS: Record<string, (bytes: Bytes, time: number) => SdkValues> = {
  /** State.id and CryptoUtils.generateCodeVerifier: version-4 UUIDs without dashes; no nonce for the code flow. */
  'oidc-client-ts': (bytes) => ({
    state: uuidV4(bytes).replaceAll('-', ''),
    verifier: [uuidV4(bytes), uuidV4(bytes), uuidV4(bytes)].join('').replaceAll('-', ''),
  }),
  /**
   * ProtocolUtils.setRequestState: base64 of `{"id":<createNewGuid()>,"meta":{…}}`; nonce createNewGuid();
   * PkceGenerator.generateCodeVerifier: base64url of 32 random bytes.
   */
  '@azure/msal-browser': (bytes, time) => ({
    state: base64(Buffer.from(JSON.stringify({ id: msalGuid(bytes, time), meta: { interactionType: 'redirect' } }))),
    nonce: msalGuid(bytes, time),
    verifier: base64url(bytes(32)),
  }),
  /** createRandomString (43 of `0-9A-Za-z-_~.`); state and nonce btoa() of one, the verifier one as is. */
  '@auth0/auth0-spa-js': (bytes) => {
    const createRandomString = () => randomString(bytes, 43, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_~.');
    return {
      state: base64(Buffer.from(createRandomString())),
      nonce: base64(Buffer.from(createRandomString())),
      verifier: createRandomString(),
    };
  },
  /** genRandomString(64) for state and nonce (its alphabet lacks the letter m); pkce getRandomString(43), hex. */
  '@okta/okta-auth-js': (bytes) => {
    const genRandomString = () => randomString(bytes, 64, 'abcdefghijklnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    return { state: genRandomString(), nonce: genRandomString(), verifier: hex(bytes(22)).slice(0, 43) };
  },
  /** createUUID (crypto.randomUUID) for state and nonce; generateCodeVerifier(96) over A-Za-z0-9. */
  'keycloak-js': (bytes) => ({
    state: uuidV4(bytes),
    nonce: uuidV4(bytes),
    verifier: moduloString(bytes, 96, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
  }),
};
