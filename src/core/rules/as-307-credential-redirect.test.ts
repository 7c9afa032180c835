import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, exchange, formBody, formPostCallback, REDIRECT_URI, resetBuilders, token } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './as-307-credential-redirect.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const CALLBACK_URL = `${REDIRECT_URI}?code=c1&state=${STATE}`;
const LOGIN = formBody({ login: 'alice', password: 'wonderland' });

/** The sign-in form POSTed and answered with `status` to the redirect URI, then the browser's request there. */
function signInAnswered(status: number) {
  const method = status === 307 || status === 308 ? 'POST' : 'GET';
  return [
    authorize(),
    exchange({ method: 'POST', url: 'https://as.example/login', initiator: 'form', requestBody: LOGIN, status, location: CALLBACK_URL }),
    exchange({ method, url: CALLBACK_URL, ...(method === 'POST' ? { initiator: 'form' as const, requestBody: LOGIN } : {}), status: 200 }),
    token({ code: 'c1' }),
  ];
}

describe('as-307-credential-redirect', () => {
  beforeEach(resetBuilders);

  it('passes a 303 (and a 302) after the sign-in form', async () => {
    expect(await findingsOf(signInAnswered(303))).toEqual([]);
    resetBuilders();
    expect(await findingsOf(signInAnswered(302))).toEqual([]);
  });

  it('reports a 307 that re-sends the sign-in form to the client, naming the password field but not its value', async () => {
    const exchanges = signInAnswered(307);
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'as-307-credential-redirect', severity: 'error' });
    expect(finding!.exchangeIds[0]).toBe(exchanges[1]!.id);
    expect(finding!.message).toContain('password included');
    expect(JSON.stringify(finding)).not.toContain('wonderland');
    expect(finding!.evidence).toContainEqual({ label: 'fields re-sent', value: 'login, password' });
  });

  it('reports a 308 too, and not a form_post response', async () => {
    const [finding] = await findingsOf(signInAnswered(308));
    expect(finding!.evidence).toContainEqual({ label: 'status', value: '308' });
    resetBuilders();
    expect(await findingsOf([authorize({ response_mode: 'form_post' }), formPostCallback({ code: 'c1', state: STATE })])).toEqual([]);
  });
});
