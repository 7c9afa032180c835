import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, formPostCallback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './value-reused.ts';

const findingsOf = findingsOfRule(rule);
const OTHER_CHALLENGE = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';

describe('value-reused', () => {
  beforeEach(resetBuilders);

  it('passes two sign-ins with their own state and nonce', async () => {
    const first = goodFlow();
    const second = goodFlow({ authorize: { state: 'second-state-value-0123456789', nonce: 'second-nonce-0123456789' }, code: 'code-2' });
    expect(await findingsOf([...first, ...second])).toEqual([]);
  });

  it('reports the same state in two different sign-ins as a warning', async () => {
    const first = goodFlow();
    const second = goodFlow({ authorize: { nonce: 'second-nonce-0123456789', code_challenge: OTHER_CHALLENGE }, code: 'code-2' });
    const findings = await findingsOf([...first, ...second]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'value-reused', severity: 'warning', flowId: `flow-${second[0]!.id}` });
    expect(findings[0]!.message).toContain('same state');
    expect(findings[0]!.evidence).toContainEqual({ label: 'also sent in flow', value: `flow-${first[0]!.id}` });
  });

  it('reports the same nonce in two different sign-ins as an error', async () => {
    const first = goodFlow();
    const second = goodFlow({ authorize: { state: 'second-state-value-0123456789', code_challenge: OTHER_CHALLENGE }, code: 'code-2' });
    const [finding, ...rest] = await findingsOf([...first, ...second]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain('same nonce');
  });

  it('does not report the very same request sent again (a retry after a refusal, an SDK reloading it)', async () => {
    const refused = authorize();
    const retried = goodFlow();
    expect(await findingsOf([refused, ...retried])).toEqual([]);
  });

  it('does not report the same response loaded again (callback-loaded-again, code-replayed speak for it)', async () => {
    const flow = goodFlow();
    const again = callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' });
    expect(await findingsOf([...flow, ...again, token()])).toEqual([]);
  });

  it('says nothing, and does not fail, when an empty code was redeemed and a response carried none', async () => {
    const state = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
    const exchanges = [authorize(), ...callback({ code: '', state }), token({ code: '' })];
    exchanges.push(authorize(), ...callback({ code: '', state }), token({ code: '' }));
    // A form_post response without a code (an id_token only) has no code to compare.
    exchanges.push(formPostCallback({ state, id_token: 'not-a-jwt' }));
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports one state accepted twice: two responses with their own codes, both redeemed', async () => {
    const state = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
    const exchanges = [authorize(), ...callback({ code: 'code-1', state }), token({ code: 'code-1' })];
    // The same request sent again (Back), signed in again: a second response with the same state.
    exchanges.push(authorize(), ...callback({ code: 'code-2', state }), token({ code: 'code-2' }));
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding!.message).toContain('not discarded after its first use');
    expect(finding!.evidence).toContainEqual({ label: 'responses accepted', value: '2' });
  });

  it('does not count an error response, or a second code that was never redeemed', async () => {
    const state = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
    const refusedThenSignedIn = [
      authorize(),
      ...callback({ error: 'access_denied', state }),
      authorize(),
      ...callback({ code: 'c', state }),
      token({ code: 'c' }),
    ];
    expect(await findingsOf(refusedThenSignedIn)).toEqual([]);
    resetBuilders();
    const secondIgnored = [
      authorize(),
      ...callback({ code: 'c1', state }),
      token({ code: 'c1' }),
      authorize(),
      ...callback({ code: 'c2', state }),
    ];
    expect(await findingsOf(secondIgnored)).toEqual([]);
  });
});
