/**
 * Property tests for the HAR adapter: on any JSON value `harToExchanges` returns or throws `HarFormatError`
 * (nothing else); on any string `parseHarText` likewise; what it returns is a valid model that `analyze`
 * accepts without problems.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HarFormatError, harToExchanges, parseHarText, type HarConversion } from '../../src/capture/har.ts';
import type { Exchange } from '../../src/core/model.ts';
import { harEntryArb, harLikeArb, hostileString } from './arbitraries.ts';
import { analyzeAndCheck, fcParams } from './check.ts';

const BODY_KINDS = new Set(['none', 'form', 'text', 'binary']);
const INITIATORS = new Set(['navigation', 'subframe', 'form', 'fetch', 'other']);

/** Returns the conversion, undefined for a HarFormatError; any other throw fails the property. */
function convertOrFormatError(convert: () => HarConversion): HarConversion | undefined {
  try {
    return convert();
  } catch (error) {
    if (error instanceof HarFormatError) {
      expect(error.message.length).toBeGreaterThan(0);
      return undefined;
    }
    throw new Error(`threw something other than HarFormatError: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

/** The adapter's output must be the model the core expects. */
function modelViolations(exchanges: readonly Exchange[]): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const ex of exchanges) {
    const at = `exchange ${ex.id}`;
    if (ids.has(ex.id)) out.push(`${at}: duplicate id`);
    ids.add(ex.id);
    if (!Number.isFinite(ex.time)) out.push(`${at}: time ${ex.time} is not finite`);
    if (ex.endTime !== undefined && !Number.isFinite(ex.endTime)) out.push(`${at}: endTime ${ex.endTime} is not finite`);
    if (typeof ex.url !== 'string' || ex.url.includes('#')) out.push(`${at}: url keeps a fragment: ${ex.url}`);
    if (typeof ex.method !== 'string' || ex.method !== ex.method.toUpperCase()) out.push(`${at}: method ${ex.method} not upper-case`);
    if (!INITIATORS.has(ex.initiator)) out.push(`${at}: initiator ${ex.initiator}`);
    if (!BODY_KINDS.has(ex.requestBody.kind)) out.push(`${at}: requestBody kind ${ex.requestBody.kind}`);
    if (ex.responseBody && !BODY_KINDS.has(ex.responseBody.kind)) out.push(`${at}: responseBody kind ${ex.responseBody.kind}`);
    if (ex.status !== undefined && !(Number.isFinite(ex.status) && ex.status > 0)) out.push(`${at}: status ${ex.status}`);
    for (const h of [...ex.requestHeaders, ...ex.responseHeaders]) {
      if (typeof h.name !== 'string' || typeof h.value !== 'string' || h.name !== h.name.toLowerCase())
        out.push(`${at}: header ${JSON.stringify(h)}`);
    }
  }
  return out;
}

describe('HAR adapter on arbitrary input', () => {
  it('harToExchanges on any JSON value returns or throws HarFormatError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        convertOrFormatError(() => harToExchanges(value));
      }),
      fcParams(1000),
    );
  }, 60_000);

  it('harToExchanges on HAR-shaped JSON returns a valid model that analyze accepts without problems', async () => {
    await fc.assert(
      fc.asyncProperty(harLikeArb, async (har) => {
        const result = convertOrFormatError(() => harToExchanges(har));
        if (!result) return;
        expect(modelViolations(result.exchanges)).toEqual([]);
        expect(result.warnings.every((w) => typeof w === 'string')).toBe(true);
        await analyzeAndCheck(result.exchanges);
      }),
      fcParams(300),
    );
  }, 60_000);

  it('parseHarText on any string returns or throws HarFormatError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string(), hostileString), (text) => {
        convertOrFormatError(() => parseHarText(text));
      }),
      fcParams(1000),
    );
  }, 60_000);

  it('parseHarText on damaged HAR text (truncated, BOM, NUL, junk) returns or throws HarFormatError', () => {
    const damaged = fc
      .tuple(
        fc.array(harEntryArb, { maxLength: 4 }),
        fc.constantFrom('none', 'truncate', 'bom', 'nul', 'append', 'prefix'),
        fc.nat(),
        fc.constantFrom(0, 1, 2),
      )
      .map(([entries, damage, at, indent]) => {
        const text = JSON.stringify({ log: { version: '1.2', entries } }, null, indent);
        switch (damage) {
          case 'truncate':
            return text.slice(0, at % (text.length + 1));
          case 'bom':
            return `\ufeff${text}`;
          case 'nul': {
            const i = at % (text.length + 1);
            return `${text.slice(0, i)}\u0000${text.slice(i)}`;
          }
          case 'append':
            return `${text}\n,]`;
          case 'prefix':
            return `)]}'\n${text}`;
          default:
            return text;
        }
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const result = convertOrFormatError(() => parseHarText(text));
        if (result) expect(modelViolations(result.exchanges)).toEqual([]);
      }),
      fcParams(400),
    );
  }, 60_000);
});
