/**
 * The recorded good flow (tests/fixtures/demo/good.har) with its `state` replaced by a 1 MB one everywhere it
 * travels (the authorization request, the server's redirect to the callback, the callback, any Referer): the
 * value the panel and the popup must elide rather than render whole (issue 11). Shared by the unit and the
 * browser tests.
 */
import { harText } from './fixtures.ts';

export const ONE_MB = 1_000_000;

/** A state of `length` URL-safe characters that no compressor or regex shortcut makes cheap. */
export function bigState(length = ONE_MB): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let seed = 0x2545f491;
  let out = '';
  for (let i = 0; i < length; i++) {
    // xorshift32: deterministic, so a failure reproduces.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out += alphabet[(seed >>> 0) % alphabet.length];
  }
  return out;
}

/** good.har with its state replaced by `state` wherever the recorded one appears. */
export function goodHarWithState(state: string): string {
  const text = harText('good');
  const recorded = /[?&]state=([^&"]+)/.exec(text)?.[1];
  if (!recorded) throw new Error('good.har has no state');
  return text.split(recorded).join(state);
}
