import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { failedToken } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-verifier-missing.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('pkce-verifier-missing', () => {
  beforeEach(resetBuilders);

  it('passes when the verifier is sent', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a missing verifier and flags the AS when it answered 2xx', async () => {
    const exchanges = goodFlow({ token: { code_verifier: undefined } });
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'pkce-verifier-missing', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/answered 200: it does not enforce PKCE/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'authorization server', value: 'issued tokens without verifying PKCE' });
    expect(findings[0]!.exchangeIds).toEqual([exchanges[0]!.id, exchanges[3]!.id]);
  });

  it('reports a missing verifier the AS rejected, without blaming the AS', async () => {
    const findings = await findingsOf([
      authorize(),
      ...callback({ code: 'c1', state: STATE }),
      failedToken({ code: 'c1', code_verifier: undefined }),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error' });
    expect(findings[0]!.message).not.toMatch(/does not enforce/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'token response status', value: '400' });
  });

  it('reports when the token response was not observed', async () => {
    const [finding] = await findingsOf([
      authorize(),
      ...callback({ code: 'c1', state: STATE }),
      token({ code: 'c1', code_verifier: undefined }, { status: undefined }),
    ]);
    expect(finding!.evidence).toContainEqual({ label: 'token response status', value: 'not observed' });
  });

  it('says nothing when the flow had no challenge (pkce-missing speaks)', async () => {
    expect(
      await findingsOf(
        goodFlow({ authorize: { code_challenge: undefined, code_challenge_method: undefined }, token: { code_verifier: undefined } }),
      ),
    ).toEqual([]);
  });

  it('says nothing without the authorization request', async () => {
    expect(await findingsOf([token({ code_verifier: undefined })])).toEqual([]);
  });

  it('is suppressed when the callback carried an error', async () => {
    const exchanges = [
      authorize(),
      ...callback({ error: 'server_error', state: STATE }),
      ...callback({ code: 'c1', state: STATE }),
      token({ code: 'c1', code_verifier: undefined }),
    ];
    const analysis = await analyze(exchanges, [rule]);
    expect(analysis.flows[0]!.callback?.error).toBe('server_error');
    expect(analysis.flows[0]!.codeExchanges).toHaveLength(1);
    expect(analysis.findings).toEqual([]);
  });
});
