import { describe, expect, it } from 'vitest';
import { compareRedirectTargets, compareRedirectUris, endpointOf, loopbackKind, percentDecodeOnce, uriParts } from './redirect-uri.ts';

describe('uriParts (RFC 3986 Appendix B, raw)', () => {
  it('splits every component without normalising', () => {
    expect(uriParts('HTTPS://User@App.Example:8443/Cb%2F?a=1#frag')).toEqual({
      scheme: 'HTTPS',
      authority: 'User@App.Example:8443',
      userinfo: 'User',
      host: 'App.Example',
      port: '8443',
      path: '/Cb%2F',
      query: 'a=1',
      fragment: 'frag',
    });
  });

  it('handles IPv6 literals, empty ports, custom schemes and no authority', () => {
    expect(uriParts('http://[::1]:3000/cb')).toMatchObject({ host: '[::1]', port: '3000', path: '/cb' });
    expect(uriParts('http://[::1]/cb')).toMatchObject({ host: '[::1]', path: '/cb' });
    expect(uriParts('http://[::1]/cb').port).toBeUndefined();
    expect(uriParts('https://app.example:/cb')).toMatchObject({ host: 'app.example', port: '' });
    expect(uriParts('com.example.app:/oauth2redirect')).toEqual({ scheme: 'com.example.app', path: '/oauth2redirect' });
    expect(uriParts('https://app.example')).toMatchObject({ host: 'app.example', path: '' });
  });

  it('never throws on garbage', () => {
    expect(uriParts('').path).toBe('');
    expect(uriParts('%%%:://??##')).toEqual({ scheme: '%%%', path: '://', query: '?', fragment: '#' });
    expect(uriParts('line\nbreak').path).toBe('line\nbreak');
  });
});

describe('compareRedirectUris', () => {
  const kind = (e: string, a: string) => compareRedirectUris(e, a)?.kind;

  it('says nothing for identical strings', () => {
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/cb')).toBeUndefined();
  });

  it('classifies a trailing slash, in both directions', () => {
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/cb/')).toMatchObject({
      kind: 'trailing-slash',
      components: ['path'],
      explanation: 'a trailing slash was added',
    });
    expect(compareRedirectUris('https://app.example/cb/', 'https://app.example/cb')?.explanation).toBe('the trailing slash was removed');
    expect(kind('https://app.example', 'https://app.example/')).toBe('trailing-slash');
    expect(kind('https://app.example/cb?x=1', 'https://app.example/cb/?x=1')).toBe('trailing-slash');
  });

  it('classifies letter case, saying when it is only scheme or host case', () => {
    expect(compareRedirectUris('https://app.example/cb', 'https://App.Example/cb')).toMatchObject({ kind: 'case', components: ['host'] });
    expect(compareRedirectUris('https://app.example/cb', 'https://App.Example/cb')!.explanation).toContain('equivalent');
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/CB')).toMatchObject({ kind: 'case', components: ['path'] });
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/CB')!.explanation).not.toContain('equivalent');
  });

  it('classifies a port, naming a default port written out', () => {
    const d = compareRedirectUris('https://app.example/cb', 'https://app.example:443/cb');
    expect(d).toMatchObject({ kind: 'port', components: ['port'] });
    expect(d!.explanation).toContain('default port 443');
    expect(compareRedirectUris('http://app.example:8080/cb', 'http://app.example:3000/cb')).toMatchObject({
      kind: 'port',
      explanation: 'the port differs (8080 vs 3000)',
    });
    expect(compareRedirectUris('https://app.example:80/cb', 'https://app.example/cb')!.explanation).not.toContain('default');
  });

  it('classifies the scheme, also with default ports written out', () => {
    expect(kind('https://app.example/cb', 'http://app.example/cb')).toBe('scheme');
    expect(kind('http://app.example:80/cb', 'https://app.example/cb')).toBe('scheme');
    expect(kind('http://app.example:8080/cb', 'https://app.example/cb')).toBe('other');
  });

  it('classifies percent-encoding, including double encoding', () => {
    expect(compareRedirectUris('https://app.example/a/b', 'https://app.example/a%2Fb')).toMatchObject({
      kind: 'encoding',
      explanation: 'characters were percent-encoded (e.g. / became %2F)',
    });
    expect(compareRedirectUris('https://app.example/a%2Fb', 'https://app.example/a/b')?.explanation).toContain('decoded');
    expect(kind('https://app.example/cb', 'https%3A%2F%2Fapp.example%2Fcb')).toBe('encoding');
    const doubled = compareRedirectUris('https://app.example/cb', 'https%253A%252F%252Fapp.example%252Fcb', {
      expected: '/authorize',
      actual: '/token',
    });
    expect(doubled).toMatchObject({ kind: 'encoding' });
    expect(doubled!.explanation).toBe('double percent-encoding (%25XX) on the /token side');
    expect(kind('https://app.example/a%2fb', 'https://app.example/a%2Fb')).toBe('encoding');
  });

  it('classifies localhost vs 127.0.0.1 and [::1]', () => {
    expect(compareRedirectUris('http://localhost:8080/cb', 'http://127.0.0.1:8080/cb')).toMatchObject({
      kind: 'localhost-vs-127.0.0.1',
      components: ['host'],
    });
    expect(kind('http://[::1]:8080/cb', 'http://localhost:8080/cb')).toBe('localhost-vs-127.0.0.1');
    expect(compareRedirectUris('http://localhost:8080/cb', 'http://127.0.0.1:9090/cb')!.explanation).toContain('port differs');
    expect(kind('http://localhost/cb', 'http://example.com/cb')).toBe('other');
  });

  it('classifies a path, a query, whitespace and anything else', () => {
    expect(kind('https://app.example/cb', 'https://app.example/callback')).toBe('path');
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/cb?x=1')).toMatchObject({
      kind: 'query',
      explanation: 'a query was added',
    });
    expect(compareRedirectUris('https://app.example/cb?x=1', 'https://app.example/cb')?.explanation).toBe('the query was removed');
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/cb\n')).toMatchObject({ kind: 'other' });
    expect(compareRedirectUris('https://app.example/cb', 'https://app.example/cb\n')!.explanation).toContain('whitespace');
    expect(compareRedirectUris('https://app.example/cb', 'https://evil.example/x')).toMatchObject({
      kind: 'other',
      components: ['host', 'path'],
    });
  });
});

describe('compareRedirectTargets', () => {
  it('ignores the query and fragment the AS adds', () => {
    expect(compareRedirectTargets('https://app.example/cb', 'https://app.example/cb?code=abc&state=x')).toBeUndefined();
    expect(compareRedirectTargets('https://app.example/cb?tenant=1', 'https://app.example/cb#code=abc')).toBeUndefined();
  });

  it('counts an empty path as "/"', () => {
    expect(compareRedirectTargets('https://app.example', 'https://app.example/?code=abc')).toBeUndefined();
    expect(compareRedirectTargets('https://app.example/', 'https://app.example?code=abc')).toBeUndefined();
  });

  it('reports scheme, host, port and path differences, raw', () => {
    expect(compareRedirectTargets('https://app.example/cb', 'https://app.example/cb/?code=a')?.kind).toBe('trailing-slash');
    expect(compareRedirectTargets('https://app.example/cb', 'http://app.example/cb?code=a')?.kind).toBe('scheme');
    expect(compareRedirectTargets('https://app.example/cb', 'https://APP.example/cb?code=a')?.kind).toBe('case');
    expect(compareRedirectTargets('https://app.example/cb', 'https://app.example:443/cb?code=a')?.kind).toBe('port');
    expect(compareRedirectTargets('https://app.example/cb', 'https://evil.example/cb?code=a')).toMatchObject({
      kind: 'other',
      components: ['host'],
    });
  });
});

describe('helpers', () => {
  it('endpointOf cuts the query and the fragment', () => {
    expect(endpointOf('https://app.example/cb?code=secret#x')).toBe('https://app.example/cb');
    expect(endpointOf('https://app.example/cb#code=secret')).toBe('https://app.example/cb');
    expect(endpointOf('https://app.example/cb')).toBe('https://app.example/cb');
  });

  it('loopbackKind tells IP literals from localhost names', () => {
    expect(loopbackKind('127.0.0.1')).toBe('ip');
    expect(loopbackKind('127.1.2.3')).toBe('ip');
    expect(loopbackKind('[::1]')).toBe('ip');
    expect(loopbackKind('LocalHost')).toBe('name');
    expect(loopbackKind('app.localhost')).toBe('name');
    expect(loopbackKind('localhost.example.com')).toBeUndefined();
    expect(loopbackKind('128.0.0.1')).toBeUndefined();
    expect(loopbackKind(undefined)).toBeUndefined();
  });

  it('percentDecodeOnce decodes one layer and keeps broken escapes', () => {
    expect(percentDecodeOnce('a%252Fb')).toBe('a%2Fb');
    expect(percentDecodeOnce('%E2%82%AC')).toBe('€');
    expect(percentDecodeOnce('%E2%82 %zz %')).toBe('%E2%82 %zz %');
  });
});
