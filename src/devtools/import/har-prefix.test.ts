import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeHarEntries } from './har-prefix.ts';

/** A HAR's text with each entry's end offset, entries after other members whose strings hold brackets and quotes. */
function harText(entries: readonly object[], pages: unknown, indent: number): { text: string; ends: number[] } {
  const head = `{"log":{"version":"1.2","creator":{"name":"x \\"}]{[\\\\","version":"1"},"pages":${JSON.stringify(pages, null, indent)},"entries":[`;
  let text = head;
  const ends: number[] = [];
  entries.forEach((entry, i) => {
    text += `${i ? ',' : ''}${' '.repeat(indent)}${JSON.stringify(entry, null, indent)}`;
    ends.push(text.length);
  });
  text += ']}}';
  return { text, ends };
}

describe('the complete entries in the first bytes of a HAR', () => {
  it('are exactly the entries that end before the cut, equal to JSON.parse of the whole', () => {
    const entry = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 8 }),
        fc.jsonValue(),
        fc.constantFrom(0, 2),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (entries, pages, indent, at) => {
          const { text, ends } = harText(entries, pages, indent);
          const cut = Math.floor(text.length * at);
          const expected = (JSON.parse(text) as { log: { entries: unknown[] } }).log.entries.filter((_, i) => ends[i]! <= cut);
          expect(completeHarEntries(text.slice(0, cut))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds entries whatever the member order, and none outside log.entries', () => {
    const text = '{"log":{"entries":[{"a":"}"},{"b":[1,{"entries":[{"no":1}]}]}],"pages":[{"id":"p"}]},"entries":[{"not":"this"}]}';
    expect(completeHarEntries(text)).toEqual([{ a: '}' }, { b: [1, { entries: [{ no: 1 }] }] }]);
  });

  it('stops at what is not JSON, keeping the entries before it', () => {
    expect(completeHarEntries('{"log":{"entries":[{"a":1},{"b":tru},{"c":3}]}}')).toEqual([{ a: 1 }]);
    expect(completeHarEntries('not json at all')).toEqual([]);
    expect(completeHarEntries('')).toEqual([]);
  });
});
