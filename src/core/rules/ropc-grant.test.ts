import { beforeEach, describe, expect, it } from 'vitest';
import { goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import rule from './ropc-grant.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const ropc = {
  grant_type: 'password',
  username: 'alice',
  password: 'hunter2',
  code: undefined,
  code_verifier: undefined,
  redirect_uri: undefined,
};

describe('ropc-grant', () => {
  beforeEach(resetBuilders);

  it('passes the code flow and refreshes', async () => {
    expect(
      await findingsOf([
        ...goodFlow(),
        token({ grant_type: 'refresh_token', refresh_token: 'rt-1', code: undefined, code_verifier: undefined }),
      ]),
    ).toEqual([]);
  });

  it('reports grant_type=password, without the password', async () => {
    const request = token(ropc);
    const findings = await findingsOf([request]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'ropc-grant', severity: 'error', flowId: `flow-${request.id}`, exchangeIds: [request.id] });
    expect(finding!.message).toContain('issued tokens');
    expect(JSON.stringify(finding)).not.toContain('hunter2');
    expect(finding!.evidence).toContainEqual({ label: 'client_id', value: 'spa' });
  });

  it('does not claim tokens were issued when the request failed', async () => {
    const [finding] = await findingsOf([token(ropc, { status: 400 })]);
    expect(finding!.message).not.toContain('issued');
    expect(finding!.evidence).toContainEqual({ label: 'HTTP status', value: '400' });
  });

  it('compares the grant type exactly', async () => {
    expect(await findingsOf([token({ ...ropc, grant_type: 'Password' })])).toEqual([]);
  });
});
