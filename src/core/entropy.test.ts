import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alphabetSize, estimateEntropy, expectedShannonPerChar, sequentialRuns, shannonPerChar, uuidVersion } from './entropy.ts';

describe('shannonPerChar', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonPerChar('')).toBe(0);
    expect(shannonPerChar('aaaa')).toBe(0);
    expect(shannonPerChar('abcd')).toBeCloseTo(2, 10);
    expect(shannonPerChar('aabb')).toBeCloseTo(1, 10);
  });
});

describe('alphabetSize', () => {
  it.each([
    ['1234', 10],
    ['deadbeef01', 16],
    ['DEADBEEF01', 16],
    ['hello', 26],
    ['hello42', 36],
    ['HelloWorld', 62],
    ['Hello-World_1', 64],
    ['ab+/cd==', 64],
    ['a.b~c', 66],
    ['a b!', 95],
    ['aé', 96],
  ])('%j → %i', (value, size) => {
    expect(alphabetSize(value)).toBe(size);
  });
});

describe('expectedShannonPerChar', () => {
  it('approaches log2(alphabet) for long strings and stays below it for short ones', () => {
    expect(expectedShannonPerChar(5000, 16)).toBeCloseTo(4, 2);
    const short = expectedShannonPerChar(22, 64);
    expect(short).toBeLessThan(Math.log2(22));
    expect(short).toBeGreaterThan(3.9);
  });
});

describe('estimateEntropy', () => {
  it('credits random values with their full alphabet (RFC 7636 App. B verifier: 43 × 6 bits)', () => {
    const e = estimateEntropy('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(e.method).toBe('alphabet');
    expect(e.bits).toBeCloseTo(258, 0);
  });

  it('does not flag 16 random bytes (hex or base64url) below 128 bits over 2000 draws', () => {
    // Deterministic pseudo-random bytes, so the test cannot flake.
    const bytes = (i: number) => createHash('sha256').update(`draw ${i}`).digest().subarray(0, 16);
    for (let i = 0; i < 2000; i++) {
      // One in 64 has the layout of a version-4 UUID, whose 122 bits weak-random accepts as well.
      const asHex = estimateEntropy(bytes(i).toString('hex'));
      if (asHex.uuidVersion !== 4) expect(asHex.bits).toBeGreaterThanOrEqual(128);
      expect(estimateEntropy(bytes(i).toString('base64url')).bits).toBeGreaterThanOrEqual(128);
    }
  });

  it('gives short random values their (low) alphabet bits', () => {
    expect(estimateEntropy('0f1e2d3c4b5a69788796').bits).toBe(80);
    expect(estimateEntropy('xyz').bits).toBeLessThan(20);
  });

  it('counts a dashed UUID by its version (RFC 9562)', () => {
    expect(estimateEntropy(randomUUID())).toMatchObject({ bits: 122, method: 'uuid', uuidVersion: 4 });
    expect(estimateEntropy('019A4F3E-8B7D-7C2A-9E6F-1A2B3C4D5E6F')).toMatchObject({ bits: 74, uuidVersion: 7 });
    expect(estimateEntropy('c232ab00-9414-11ec-b3c8-9f6bdeced846')).toMatchObject({ bits: 62, uuidVersion: 1 });
  });

  it('reads a UUID without dashes as the same UUID (oidc-client-ts writes them so)', () => {
    const uuid = randomUUID();
    expect(estimateEntropy(uuid.replaceAll('-', ''))).toMatchObject({ bits: 122, method: 'uuid', uuidVersion: 4 });
    // Name-based and custom versions need their dashes: as plain hex they are random-looking hex.
    expect(uuidVersion('2ed6657de927568b95e12665a8aea6a2')).toBeUndefined();
    // A time-based version only when the time it holds is the request's (RFC 9562 App. A examples: 2022-02-22T19:22:22Z).
    const sent = Date.parse('2022-02-22T19:22:22Z');
    expect(uuidVersion('c232ab00941411ecb3c89f6bdeced846', sent)).toBe(1);
    expect(uuidVersion('1ec9414c232a6b00b3c89f6bdeced846', sent)).toBe(6);
    expect(uuidVersion('017f22e279b07cc398c4dc0c0c07398f', sent)).toBe(7);
    expect(uuidVersion('017f22e279b07cc398c4dc0c0c07398f', sent + 2 * 86_400_000)).toBeUndefined();
    expect(uuidVersion('017f22e279b07cc398c4dc0c0c07398f')).toBeUndefined();
    // The version nibble alone, or the variant bits wrong: not a UUID.
    expect(uuidVersion('017f22e279b07cc378c4dc0c0c07398f', sent)).toBeUndefined();
  });

  it('falls back to Shannon entropy × length for skewed values', () => {
    const e = estimateEntropy('0000000000000000000000000000000000000000001');
    expect(e.method).toBe('shannon');
    expect(e.bits).toBeCloseTo(43 * shannonPerChar('0000000000000000000000000000000000000000001'), 6);
    expect(e.bits).toBeLessThan(10);
  });

  it('scores a repeated pattern by one period', () => {
    const e = estimateEntropy('1234567890'.repeat(5));
    expect(e.method).toBe('repeat');
    expect(e.bits).toBeLessThan(40);
    expect(estimateEntropy('a'.repeat(64)).bits).toBe(0);
  });

  it('ignores base64 padding', () => {
    const value = 'q83vEjRWeJq8PxAyxO+/Aw==';
    expect(estimateEntropy(value)).toMatchObject({ method: 'alphabet', bits: 22 * 6 });
  });

  it('never throws on odd input', () => {
    for (const value of ['', 'x', '\n', '😀😀😀', '\u{10FFFF}'.repeat(3), 'a\u0000b'.repeat(1000), 'x'.repeat(10_000)]) {
      expect(() => estimateEntropy(value)).not.toThrow();
      expect(Number.isFinite(estimateEntropy(value).bits)).toBe(true);
    }
  });
});

describe('sequentialRuns', () => {
  it('finds values counting by a constant step', () => {
    expect(sequentialRuns(['1', '2', '3'])).toEqual([{ indexes: [0, 1, 2], prefix: '', step: 1n }]);
    expect(sequentialRuns(['s-0010', 's-0020', 's-0030', 's-0040'])).toMatchObject([{ indexes: [0, 1, 2, 3], prefix: 's-', step: 10n }]);
  });

  it('handles numbers beyond 2^53', () => {
    expect(sequentialRuns(['90071992547409931', '90071992547409932', '90071992547409933'])).toMatchObject([{ step: 1n }]);
  });

  it('is not fooled by interleaved values of another prefix', () => {
    expect(sequentialRuns(['a1', 'Xq9', 'a2', 'b7', 'a3'])).toMatchObject([{ indexes: [0, 2, 4], prefix: 'a' }]);
  });

  it('needs three values, a non-zero step and the same step throughout', () => {
    expect(sequentialRuns(['1', '2'])).toEqual([]);
    expect(sequentialRuns(['5', '5', '5'])).toEqual([]);
    expect(sequentialRuns(['1', '2', '4', '8'])).toEqual([]);
    expect(sequentialRuns(['Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm', 'n-0S6_WzA2Mj-Xq9Tr3Lp8Vc2Hh5Ke1', 'q2'])).toEqual([]);
  });

  it('reports a decreasing run with a negative step', () => {
    expect(sequentialRuns(['9', '6', '3'])).toMatchObject([{ step: -3n }]);
  });
});
