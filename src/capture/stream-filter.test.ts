import { describe, expect, it, vi } from 'vitest';
import type { Exchange } from '../core/model.ts';
import { BoundedBytes, parseContentType, ResponseTaps, responseBodyOf, tapResponse, type StreamFilterLike } from './stream-filter.ts';

const bytesOf = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

/** A stream filter as Firefox drives it: it records what the add-on passed on to the page, and how it let go. */
class FakeFilter implements StreamFilterLike {
  ondata?: ((event: { data: ArrayBuffer }) => void) | null;
  onstop?: ((event: { data: ArrayBuffer }) => void) | null;
  onerror?: ((event: { data: ArrayBuffer }) => void) | null;
  readonly written: Uint8Array[] = [];
  ended?: 'closed' | 'disconnected';

  write(data: ArrayBuffer | Uint8Array): void {
    if (this.ended) throw new Error('the filter is no longer open');
    this.written.push(new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data));
  }
  close(): void {
    this.ended = 'closed';
  }
  disconnect(): void {
    this.ended = 'disconnected';
  }
  deliver(...chunks: ArrayBuffer[]): void {
    for (const data of chunks) this.ondata?.({ data });
  }
  stop(): void {
    this.onstop?.({ data: new ArrayBuffer(0) });
  }
  fail(): void {
    this.onerror?.({ data: new ArrayBuffer(0) });
  }
  /** What the page received. */
  get passedOn(): string {
    return new TextDecoder().decode(Uint8Array.from(this.written.flatMap((chunk) => [...chunk])));
  }
}

describe('BoundedBytes', () => {
  it('joins the chunks in order', () => {
    const body = new BoundedBytes(10);
    body.add(bytesOf('abc'));
    body.add(bytesOf('defg'));
    expect(new TextDecoder().decode(body.bytes())).toBe('abcdefg');
    expect(body.size).toBe(7);
    expect(body.overflowed).toBe(false);
  });

  it('keeps a body of exactly the bound, and past it only the count', () => {
    const body = new BoundedBytes(4);
    body.add(bytesOf('abcd'));
    expect(body.bytes()?.length).toBe(4);
    body.add(bytesOf('e'));
    body.add(bytesOf('fgh'));
    expect(body.overflowed).toBe(true);
    expect(body.bytes()).toBeUndefined();
    expect(body.size).toBe(8);
  });
});

describe('tapResponse', () => {
  it('passes every chunk through as it arrives, then closes the filter and resolves with the copy', async () => {
    const filter = new FakeFilter();
    const tapped = tapResponse(filter);
    filter.deliver(bytesOf('{"access_'));
    expect(filter.passedOn).toBe('{"access_');
    filter.deliver(bytesOf('token":"t"}'));
    filter.stop();
    const body = await tapped;
    expect(filter.passedOn).toBe('{"access_token":"t"}');
    expect(filter.ended).toBe('closed');
    expect(new TextDecoder().decode(body!.bytes())).toBe('{"access_token":"t"}');
  });

  it('past the bound passes the chunk on, then lets go of the response (the rest flows natively) and keeps the count', async () => {
    const filter = new FakeFilter();
    const tapped = tapResponse(filter, 12);
    filter.deliver(bytesOf('0123456789'));
    expect(filter.ended).toBeUndefined();
    filter.deliver(bytesOf('abcdefghij'));
    expect(filter.passedOn).toBe('0123456789abcdefghij');
    expect(filter.ended).toBe('disconnected');
    const body = await tapped;
    expect(body?.overflowed).toBe(true);
    expect(body?.size).toBe(20);
    expect(body?.bytes()).toBeUndefined();
  });

  it('on an error lets the rest through (disconnect) and resolves with nothing: a partial body is no evidence', async () => {
    const filter = new FakeFilter();
    const tapped = tapResponse(filter);
    filter.deliver(bytesOf('{"partial'));
    filter.fail();
    expect(await tapped).toBeUndefined();
    expect(filter.ended).toBe('disconnected');
  });

  it('when writing fails (the page went away), stops copying and lets go', async () => {
    const filter = new FakeFilter();
    const tapped = tapResponse(filter);
    filter.ended = 'closed';
    filter.deliver(bytesOf('x'));
    expect(await tapped).toBeUndefined();
  });
});

describe('parseContentType', () => {
  it.each([
    ['application/json', { mimeType: 'application/json' }],
    ['Application/JSON; Charset="UTF-8"', { mimeType: 'application/json', charset: 'UTF-8' }],
    ['text/plain;charset=iso-8859-1;format=flowed', { mimeType: 'text/plain', charset: 'iso-8859-1' }],
    ['', {}],
    [undefined, {}],
  ])('%s', (value, expected) => {
    expect(parseContentType(value)).toEqual(expected);
  });
});

describe('responseBodyOf', () => {
  const captured = (bytes: Uint8Array | string, limit = 1024) => {
    const body = new BoundedBytes(limit);
    body.add(typeof bytes === 'string' ? bytesOf(bytes) : (bytes.buffer.slice(0) as ArrayBuffer));
    return body;
  };

  it('decodes JSON as UTF-8, whatever charset it claims (RFC 8259 §8.1), without its BOM', () => {
    const json = '{"name":"Zoë"}';
    expect(responseBodyOf(captured(json), 'application/json; charset=iso-8859-1')).toEqual({
      kind: 'text',
      text: json,
      size: 15,
      mimeType: 'application/json',
    });
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expect(responseBodyOf(captured(withBom), 'application/json')).toMatchObject({ kind: 'text', text: '{}' });
  });

  it('decodes other text with its charset', () => {
    const latin1 = Uint8Array.from([0x65, 0x72, 0x72, 0x6f, 0x72, 0x3d, 0xe9]); // error=é in ISO-8859-1
    expect(responseBodyOf(captured(latin1), 'text/plain; charset=iso-8859-1')).toMatchObject({ kind: 'text', text: 'error=é' });
    expect(responseBodyOf(captured('a=b'), 'application/x-www-form-urlencoded; charset=no-such-label')).toMatchObject({
      kind: 'text',
      text: 'a=b',
    });
  });

  it('keeps binary as binary: its size and type only', () => {
    expect(responseBodyOf(captured(Uint8Array.from([0x89, 0x50, 0x4e, 0x47])), 'image/png')).toEqual({
      kind: 'binary',
      size: 4,
      mimeType: 'image/png',
    });
    expect(responseBodyOf(captured(Uint8Array.from([0xff, 0xfe, 0x00])), undefined)).toEqual({ kind: 'binary', size: 3 });
    expect(responseBodyOf(captured('\u0000\u0001\u0002'), undefined)).toEqual({ kind: 'binary', size: 3 });
  });

  it('reads an untyped body as text when it is UTF-8 text', () => {
    expect(responseBodyOf(captured('{"a":1}'), undefined)).toEqual({ kind: 'text', text: '{"a":1}', size: 7 });
  });

  it('says "none" for an empty body, and "cut" with the size past the bound', () => {
    expect(responseBodyOf(new BoundedBytes(), 'application/json')).toEqual({ kind: 'none' });
    const big = captured('x'.repeat(20), 10);
    expect(responseBodyOf(big, 'application/json')).toEqual({
      kind: 'text',
      text: '',
      truncated: true,
      size: 20,
      mimeType: 'application/json',
    });
    expect(responseBodyOf(big, undefined)).toEqual({ kind: 'binary', size: 20 });
  });
});

describe('ResponseTaps', () => {
  const exchange: Exchange = {
    id: 'x1',
    time: 0,
    initiator: 'fetch',
    method: 'POST',
    url: 'https://as.example/token',
    requestHeaders: [],
    requestBody: { kind: 'none' },
    status: 200,
    responseHeaders: [{ name: 'content-type', value: 'application/json' }],
  };
  /** Taps whose filters the test drives, by request id. */
  const setUp = (options?: ConstructorParameters<typeof ResponseTaps>[1]) => {
    const filters = new Map<string, FakeFilter>();
    const taps = new ResponseTaps((requestId) => {
      const filter = new FakeFilter();
      filters.set(requestId, filter);
      return filter;
    }, options);
    return { taps, filters };
  };

  it('joins the body to the exchange whether the response ends before webRequest completes it or after', async () => {
    const { taps, filters } = setUp();
    taps.tap('1');
    filters.get('1')!.deliver(bytesOf('{"a":1}'));
    filters.get('1')!.stop();
    await expect(taps.withBody(exchange, '1')).resolves.toMatchObject({ responseBody: { kind: 'text', text: '{"a":1}' } });

    taps.tap('2');
    const completed = taps.withBody(exchange, '2');
    filters.get('2')!.deliver(bytesOf('{"b":2}'));
    filters.get('2')!.stop();
    await expect(completed).resolves.toMatchObject({ responseBody: { kind: 'text', text: '{"b":2}' } });
    expect(taps.size).toBe(0);
  });

  it('leaves untapped, forgotten and failed requests without a body', async () => {
    const { taps, filters } = setUp();
    expect(taps.withBody(exchange, 'never')).toBeUndefined();
    taps.tap('redirected');
    taps.forget('redirected');
    expect(taps.withBody(exchange, 'redirected')).toBeUndefined();
    taps.tap('failed');
    filters.get('failed')!.fail();
    expect(await taps.withBody(exchange, 'failed')).toBe(exchange);
  });

  it('keeps the exchange without its body when the response does not end in time', async () => {
    vi.useFakeTimers();
    try {
      const { taps } = setUp({ waitMs: 1_000 });
      taps.tap('slow');
      const completed = taps.withBody(exchange, 'slow');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await completed).toBe(exchange);
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds at most maxTaps responses, forgetting the oldest; a redirect hop replaces its request tap', async () => {
    const { taps, filters } = setUp({ maxTaps: 2 });
    taps.tap('1');
    taps.tap('2');
    taps.tap('2');
    expect(taps.size).toBe(2);
    taps.tap('3');
    expect(taps.size).toBe(2);
    expect(taps.withBody(exchange, '1')).toBeUndefined();
    // The oldest tap's bytes still reach the page.
    filters.get('1')!.deliver(bytesOf('late'));
    expect(filters.get('1')!.passedOn).toBe('late');
  });
});
