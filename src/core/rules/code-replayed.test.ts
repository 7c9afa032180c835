import { beforeEach, describe, expect, it } from 'vitest';
import { goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { failedToken } from '../../../tests/support/pkce-and-code.ts';
import rule from './code-replayed.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const CODE = 'SplxlOBeZQQYbYS6WxSbIA';

describe('code-replayed', () => {
  beforeEach(resetBuilders);

  it('passes a code exchanged once', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a code POSTed again after an answered exchange', async () => {
    const exchanges = [...goodFlow(), failedToken()];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'code-replayed',
      severity: 'error',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[3]!.id, exchanges[4]!.id],
    });
    expect(findings[0]!.message).toMatch(/after an earlier exchange got a 200 response; a code may be exchanged only once/);
    expect(findings[0]!.message).not.toContain(CODE);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
    expect(findings[0]!.evidence).toContainEqual({ label: 'repeat status', value: '400' });
  });

  it('flags the AS when it answers the repeat with 2xx', async () => {
    const [finding] = await findingsOf([...goodFlow(), token()]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toMatch(/answered 200 to the repeat: it must deny a reused code/);
    expect(finding!.evidence).toContainEqual({ label: 'authorization server', value: 'accepted a reused code' });
  });

  it('reports a repeat after an error answer too (any status)', async () => {
    const [auth, redirect, arrival] = goodFlow();
    const [finding] = await findingsOf([auth!, redirect!, arrival!, failedToken({}, 500, 'server_error'), failedToken()]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.evidence).toContainEqual({ label: 'earlier status', value: '500' });
  });

  it('names a double submit sent while the first exchange was in flight', async () => {
    const flow = goodFlow();
    const first = flow[3]!;
    const second = token({}, { time: first.time + 10 });
    const [finding] = await findingsOf([...flow, second]);
    expect(finding!.message).toMatch(/still in flight \(a double submit\)/);
  });

  it('reports only a diagnostic when the first attempt got no response', async () => {
    const [auth, redirect, arrival] = goodFlow();
    const exchanges = [auth!, redirect!, arrival!, token({}, { status: undefined }), token()];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'info', exchangeIds: [exchanges[3]!.id, exchanges[4]!.id] });
    expect(findings[0]!.message).toMatch(/first attempt got no response/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'earlier status', value: 'no response' });
  });

  it('reports each further repeat against the answered attempt', async () => {
    const [auth, redirect, arrival] = goodFlow();
    const findings = await findingsOf([auth!, redirect!, arrival!, token({}, { status: undefined }), failedToken(), failedToken()]);
    expect(findings.map((f) => f.severity)).toEqual(['error', 'info']);
  });

  it('does not confuse different codes', async () => {
    expect(await findingsOf([...goodFlow(), token({ code: 'another-code' })])).toEqual([]);
  });
});
