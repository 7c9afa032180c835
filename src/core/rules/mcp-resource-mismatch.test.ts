import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, exchange, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './mcp-resource-mismatch.ts';

const findingsOf = findingsOfRule(rule);
const MCP = 'https://mcp.example/tools';
const METADATA_URL = 'https://mcp.example/.well-known/oauth-protected-resource/tools';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

/** The MCP server's metadata, as fetched by the client (`body` undefined: the body was not observed). */
const metadata = (body?: Record<string, unknown>) =>
  exchange({ url: METADATA_URL, initiator: 'fetch', status: 200, ...(body ? { responseBody: jsonBody(body) } : {}) });
const LISTING = { resource: MCP, authorization_servers: ['https://as.example'] };

/** Metadata, then a sign-in whose authorization and token requests send `resource` as given. */
function mcpFlow(auth: string | undefined, tokenResource: string | undefined, document: Record<string, unknown> | undefined = LISTING) {
  return [
    metadata(document),
    authorize({ resource: auth, scope: 'mcp:tools' }),
    ...callback({ code: 'c1', state: STATE, iss: 'https://as.example' }),
    token({ code: 'c1', resource: tokenResource }),
  ];
}

describe('mcp-resource-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes resource on both requests, to a server the metadata lists, body observed or not', async () => {
    expect(await findingsOf(mcpFlow(MCP, MCP))).toEqual([]);
    resetBuilders();
    expect(await findingsOf(mcpFlow(MCP, MCP, undefined))).toEqual([]);
  });

  it('reports a token request without resource, from the metadata fetch alone', async () => {
    const [finding, ...rest] = await findingsOf(mcpFlow(MCP, undefined, undefined));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'mcp-resource-mismatch', severity: 'error' });
    expect(finding!.message).toContain('token request carries no resource');
  });

  it('reports a token request naming another resource', async () => {
    const [finding] = await findingsOf(mcpFlow(MCP, 'https://other.example/api'));
    expect(finding!.message).toContain('names a resource the authorization request did not');
  });

  it('reports an authorization request without resource when the metadata names this server', async () => {
    const [finding] = await findingsOf(mcpFlow(undefined, undefined));
    expect(finding!.message).toContain('authorization request carries no resource');
  });

  it('reports an authorization server the metadata does not list', async () => {
    const findings = await findingsOf(mcpFlow(MCP, MCP, { resource: MCP, authorization_servers: ['https://login.example'] }));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('does not list this authorization server')]);
  });

  it('reports metadata naming another resource than its URL, and does not use it', async () => {
    const findings = await findingsOf(
      mcpFlow(MCP, undefined, { resource: 'https://evil.example/', authorization_servers: ['https://as.example'] }),
    );
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('names another resource than the one it was fetched for')]);
  });

  it('says nothing about resource without protected resource metadata (ADFS, RFC 8707 alone)', async () => {
    const exchanges = [authorize({ resource: 'urn:microsoft:userinfo' }), ...callback({ code: 'c1', state: STATE }), token({ code: 'c1' })];
    expect(await findingsOf(exchanges)).toEqual([]);
  });
});
