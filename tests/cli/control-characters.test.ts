import { afterAll, describe, expect, it } from 'vitest';
import { cli, ENTRY, loadFixture, tempDir } from './support.ts';

/** A state with a C1 CSI (U+009B: `ESC [` to a terminal), a C1 NEL and a JavaScript line separator. */
const HOSTILE_STATE = 'x\u009b31mred\u0085\u2028end';
const RAW = /[\u0080-\u009f\u2028\u2029]/;

/** Every string in a parsed JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('JSON and SARIF output of a HAR with C1 control characters', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const hostileHar = () => {
    const har = loadFixture();
    const authorize = har.log.entries[ENTRY.authorize]!.request;
    authorize.url = authorize.url.replace(/state=[^&]*/, `state=${encodeURIComponent(HOSTILE_STATE)}`);
    return tmp.write('hostile.har', JSON.stringify(har));
  };

  it.each(['json', 'sarif'])('%s: escapes them as \\u009b, and parses back to the value the HAR holds', async (format) => {
    const { stdout, stderr } = await cli(['audit', '--format', format, hostileHar()]);
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(RAW);
    expect(stdout).toContain('x\\u009b31mred\\u0085\\u2028end');
    // The state is no secret, so the report carries it whole: the escape loses nothing.
    expect(strings(JSON.parse(stdout))).toContain(HOSTILE_STATE);
  });
});
