/**
 * The one list of parameter names whose values are secrets, used by the rules (to flag evidence) and by the
 * redactor (to mask URLs, forms and JSON members). Compared case-insensitively.
 *
 * Authorization codes and PKCE verifiers (RFC 6749 §10.5, RFC 7636 §7.1), access, ID and refresh tokens
 * (RFC 6749 §10.3–10.4), client credentials (RFC 6749 §2.3.1, RFC 7523 §2.2), resource owner passwords
 * (RFC 6749 §4.3), and the other grants' credentials: RFC 7009 `token`, RFC 7521 `assertion`, RFC 8628
 * `device_code`, RFC 8693 `subject_token` and `actor_token`.
 */
export const SECRET_PARAMETERS: ReadonlySet<string> = new Set([
  'code',
  'code_verifier',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'password',
  'passwd',
  'assertion',
  'token',
  'device_code',
  'subject_token',
  'actor_token',
]);

export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name.toLowerCase());
}
