import { beforeEach, describe, expect, it } from 'vitest';
import {
  AS,
  authorize,
  callback,
  defaultAuthorizeParams,
  encode,
  exchange,
  goodFlow,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { discovery } from '../../../tests/support/state-redirect-client.ts';
import type { Exchange } from '../model.ts';
import rule from './iss-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;

/** A flow whose callback carries the given iss (or none). */
const flowWithIss = (iss: string | undefined) => [authorize(), ...callback({ code: 'c1', state: STATE, iss }), token({ code: 'c1' })];

describe('iss-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes iss equal to the metadata issuer', async () => {
    expect(await findingsOf([discovery(), ...flowWithIss(AS)])).toEqual([]);
  });

  it('compares with the metadata issuer as an exact string', async () => {
    const meta = discovery();
    const flow = flowWithIss(`${AS}/`);
    const [finding, ...rest] = await findingsOf([meta, ...flow]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'iss-mismatch', severity: 'error', flowId: `flow-${flow[0]!.id}` });
    expect(finding!.exchangeIds).toEqual([flow[0]!.id, flow[1]!.id, flow[2]!.id, meta.id]);
    expect(finding!.evidence).toContainEqual({ label: 'issuer (metadata)', value: AS });
    expect(finding!.evidence).toContainEqual({ label: 'compared with', value: 'metadata' });
    expect(finding!.message).not.toContain('heuristic');
  });

  it('reports an iss of another AS (mix-up) against the metadata', async () => {
    const [finding] = await findingsOf([discovery(), ...flowWithIss('https://attacker.example')]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.evidence).toContainEqual({ label: 'iss', value: 'https://attacker.example' });
  });

  it('accepts an issuer with a path from the metadata', async () => {
    expect(await findingsOf([discovery({ issuer: `${AS}/tenant-1` }), ...flowWithIss(`${AS}/tenant-1`)])).toEqual([]);
  });

  it('without metadata, passes an iss on the authorization endpoint origin (heuristic)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
    resetBuilders();
    expect(await findingsOf(flowWithIss(`${AS}/`))).toEqual([]);
  });

  // RFC 9207 §2.4 compares with the issuer the client expects, which only the metadata tells.
  it('without metadata, notes an iss on another origin (info), never more', async () => {
    const [finding] = await findingsOf(flowWithIss('https://attacker.example'));
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.evidence).toContainEqual({ label: 'compared with', value: 'authorization endpoint origin (metadata not observed)' });
  });

  // The extension sees the discovery request but not its body: its URL still names the issuer the client expects.
  describe('with the metadata fetched but its body unseen', () => {
    const unseen = (e: Exchange): Exchange => {
      const { responseBody: _, ...rest } = e;
      return rest;
    };

    it('is an error for an iss on another origin than the metadata the client fetched', async () => {
      const meta = unseen(discovery());
      const [finding] = await findingsOf([meta, ...flowWithIss('https://attacker.example')]);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.evidence).toContainEqual({ label: 'issuer (discovery URL)', value: AS });
      expect(finding!.exchangeIds).toContain(meta.id);
    });

    it('passes the issuer it names, and stays info for metadata fetched after the request or refused', async () => {
      expect(await findingsOf([unseen(discovery()), ...flowWithIss(AS)])).toEqual([]);
      resetBuilders();
      expect(await findingsOf([...flowWithIss('https://attacker.example'), unseen(discovery())])).toMatchObject([{ severity: 'info' }]);
      resetBuilders();
      const refused = { ...unseen(discovery()), status: 404 };
      expect(await findingsOf([refused, ...flowWithIss('https://attacker.example')])).toMatchObject([{ severity: 'info' }]);
    });
  });

  describe('issuer paths without metadata', () => {
    const KEYCLOAK = `${AS}/realms/demo/protocol/openid-connect/auth`;
    const keycloakFlow = (iss: string, endpoint = KEYCLOAK) => [
      exchange({ url: `${endpoint}?${encode(defaultAuthorizeParams)}`, status: 200 }),
      ...callback({ code: 'c1', state: STATE, iss }),
    ];

    it('accepts an issuer path that prefixes the endpoint path', async () => {
      expect(await findingsOf(keycloakFlow(`${AS}/realms/demo`))).toEqual([]);
    });

    // Entra ID: issuer …/{tenant}/v2.0, authorization endpoint …/{tenant}/oauth2/v2.0/authorize.
    it('says nothing of an issuer path on the endpoint origin that does not lead to the endpoint', async () => {
      const tenant = '9188040d-6c67-4c5b-b112-36a304b66dad';
      expect(await findingsOf(keycloakFlow(`${AS}/${tenant}/v2.0`, `${AS}/${tenant}/oauth2/v2.0/authorize`))).toEqual([]);
      resetBuilders();
      expect(await findingsOf(keycloakFlow(`${AS}/realms/demo2`))).toEqual([]);
    });
  });

  it('says nothing when the callback has no iss', async () => {
    expect(await findingsOf([discovery(), ...flowWithIss(undefined)])).toEqual([]);
  });

  it('says nothing when there is nothing to compare with', async () => {
    expect(await findingsOf([...callback({ code: 'c1', state: 'orphan', iss: 'https://attacker.example' })])).toEqual([]);
  });
});
