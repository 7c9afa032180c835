import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/devtools/diagnostics.ts';
import { buildSource } from '../../src/devtools/sources.ts';
import { fixtureExchanges } from './fixtures.ts';

async function diagnosesOf(name: string) {
  const s = await buildSource('s', name, 'import', fixtureExchanges(name));
  return s.analysis.flows.map((f) => diagnose(f, s.analysis.flows, s.exchangeById));
}

describe('stuck-flow diagnostics', () => {
  it('says nothing about a good flow', async () => {
    expect((await diagnosesOf('good')).flat()).toEqual([]);
  });

  it('walks the invalid_grant checklist to the redirect_uri difference', async () => {
    const [first] = await diagnosesOf('redirect-uri-trailing-slash');
    const grant = first!.find((d) => d.id === 'invalid-grant')!;
    expect(grant.title).toMatch(/^invalid_grant/);
    expect(grant.lines).toEqual(expect.arrayContaining([
      'No earlier exchange of this code was observed.',
      'PKCE: the verifier matches the challenge.',
      'redirect_uri differs from the authorization request: a trailing slash was added.',
      'client_id is the same in both requests.',
    ]));
  });

  it('names an earlier exchange of the same code', async () => {
    const diagnoses = (await diagnosesOf('code-twice')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-grant')?.lines[0]).toMatch(/^The same code was already exchanged 1 time before \(first: HTTP 200\)/);
  });

  it('decodes an authorization error', async () => {
    const diagnoses = (await diagnosesOf('access-denied')).flat();
    expect(diagnoses.find((d) => d.id === 'authorization-error')?.lines).toEqual(['access_denied: the user refused (or cancelled) at the authorization server.']);
  });

  it('explains a malformed verifier through the PKCE near miss', async () => {
    const diagnoses = (await diagnosesOf('verifier-trailing-newline')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-request')?.lines).toEqual([expect.stringMatching(/^PKCE verifier-whitespace: The challenge was computed from the verifier without its surrounding whitespace/)]);
  });
});

describe('a callback that never came', () => {
  it('compares the redirect_uri with the last one that worked for the client', async () => {
    const good = await buildSource('g', 'good', 'import', fixtureExchanges('good'));
    const gone = new Set(good.analysis.flows[0]!.steps.filter((s) => s.kind === 'callback' || s.kind === 'token').map((s) => s.exchangeId));
    const stuck = fixtureExchanges('good').filter((e) => !gone.has(e.id)).map((e) => ({ ...e, id: `stuck-${e.id}`, time: e.time + 3_600_000, ...(e.endTime ? { endTime: e.endTime + 3_600_000 } : {}) }));
    const worked = fixtureExchanges('refresh').map((e) => ({ ...e, id: `worked-${e.id}` }));
    const s = await buildSource('s', 'both', 'import', [...worked, ...stuck]);
    const flow = s.analysis.flows.find((f) => !f.callback)!;
    const [diagnosis] = diagnose(flow, s.analysis.flows, s.exchangeById);
    expect(diagnosis?.id).toBe('callback-never-reached');
    expect(diagnosis?.lines.at(-1)).toMatch(/^Against the last redirect_uri that worked for this client: the port differs \(\d+ vs \d+\) \(port\)\.$/);
  });
});
