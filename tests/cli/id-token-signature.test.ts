/**
 * The ID token's signature verdict in the command line's reports (OIDC Core §3.1.3.7 step 6), on the recorded
 * demo sign-ins: verified against the observed JWKS, invalid (the rogue AS signs with a key it does not
 * publish), and not observable (good.har never fetched the JWKS with its body). The words are the token card's.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/report.ts';
import { cli } from './support.ts';

const demo = (name: string) => fileURLToPath(new URL(`../fixtures/demo/${name}.har`, import.meta.url));

async function audit(name: string, format: 'json' | 'text' | 'markdown' | 'sarif'): Promise<string> {
  return (await cli(['audit', '--format', format, '--fail-on', 'never', demo(name)])).stdout;
}

describe('ID token signatures in the CLI reports', () => {
  it('states a verified signature with the observed key and JWKS, and never the token', async () => {
    const report = JSON.parse(await audit('id-token-signature-verified', 'json')) as AuditReport;
    const [flow] = report.inputs[0]!.flows;
    expect(flow!.idTokenSignatures).toEqual([
      {
        exchangeId: 'har-11',
        harEntry: 11,
        source: 'token-response',
        signature: 'verified',
        alg: 'RS256',
        kid: 'demo-rs256',
        jwksUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/jwks$/),
        reason: null,
        problems: [],
      },
    ]);
    // A JWS (header, claims, key) starts eyJ: none is copied into the report.
    expect(JSON.stringify(flow!.idTokenSignatures)).not.toContain('eyJ');
    const text = await audit('id-token-signature-verified', 'text');
    expect(text).toMatch(
      /^ {2}ID token {6}Signature: verified against the observed key "demo-rs256" of http:\/\/127\.0\.0\.1:\d+\/jwks \(RS256\)\. {2}\[entry 11\]$/m,
    );
    expect(await audit('id-token-signature-verified', 'markdown')).toMatch(
      /^- \*\*ID token:\*\* Signature: verified against the observed key/m,
    );
  });

  it('states an invalid signature and why', async () => {
    const report = JSON.parse(await audit('id-token-signature-invalid', 'json')) as AuditReport;
    const [check] = report.inputs[0]!.flows[0]!.idTokenSignatures;
    expect(check).toMatchObject({ signature: 'invalid', alg: 'RS256', kid: 'rogue-rs256', reason: null });
    expect(check!.problems).toEqual([
      {
        check: 'signature',
        detail: `the signature does not verify with the issuer's key "rogue-rs256" (RFC 7515 §5.2)`,
        severity: 'error',
      },
    ]);
    expect(await audit('id-token-signature-invalid', 'text')).toContain(
      `ID token      Signature: invalid: the signature does not verify with the issuer's key "rogue-rs256" (RFC 7515 §5.2).  [entry 5]`,
    );
  });

  it('calls a signature whose JWKS was not observed not observable, never verified', async () => {
    const report = JSON.parse(await audit('good', 'json')) as AuditReport;
    const [check] = report.inputs[0]!.flows[0]!.idTokenSignatures;
    expect(check).toMatchObject({ signature: 'not-observable', jwksUrl: null, reason: expect.stringContaining('JWKS') });
    const text = await audit('good', 'text');
    expect(text).toContain(`ID token      Signature: not observable (${check!.reason}).  [entry 11]`);
    expect(text).not.toContain('Signature: verified');
  });

  it('puts the verdicts in the flow’s SARIF properties, beside its diagnostics', async () => {
    const sarif = JSON.parse(await audit('id-token-signature-invalid', 'sarif')) as {
      runs: { logicalLocations: { properties: { idTokenSignatures: { signature: string; text: string }[] } }[] }[];
    };
    const [check] = sarif.runs[0]!.logicalLocations[0]!.properties.idTokenSignatures;
    expect(check).toMatchObject({ signature: 'invalid', text: expect.stringMatching(/^Signature: invalid: /) });
  });
});
