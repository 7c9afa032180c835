/**
 * `oauth-lens audit` on Chrome's sanitized HAR export: every format says which headers the exporter removed
 * (JSON `inputs[].headersRemoved`, schema 1.2; one notice worded by src/report/removed-headers.ts in text and
 * Markdown); a HAR with its headers says nothing of the kind.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/report.ts';
import { mdText } from '../../src/report/markdown.ts';
import { removedHeadersNotice } from '../../src/report/removed-headers.ts';
import { cli } from './support.ts';

const SANITIZED = fileURLToPath(new URL('../fixtures/har-formats/chrome-sanitized.har', import.meta.url));
const WHOLE = fileURLToPath(new URL('../fixtures/demo/good.har', import.meta.url));
const NOTICE = removedHeadersNotice(['authorization', 'cookie', 'set-cookie'])!;

describe('a sanitized HAR, in every format', () => {
  it('json: inputs[].headersRemoved', async () => {
    const sanitized = JSON.parse((await cli(['audit', '-f', 'json', SANITIZED])).stdout) as AuditReport;
    expect(sanitized.schemaVersion).toBe('1.3');
    expect(sanitized.inputs[0]!.headersRemoved).toEqual(['authorization', 'cookie', 'set-cookie']);
    const whole = JSON.parse((await cli(['audit', '-f', 'json', WHOLE])).stdout) as AuditReport;
    expect(whole.inputs[0]!.headersRemoved).toEqual([]);
  });

  it('text and markdown: the notice, once, only for the sanitized file', async () => {
    const text = (await cli(['audit', SANITIZED, WHOLE])).stdout;
    expect(text.split(NOTICE)).toHaveLength(2);
    const markdown = (await cli(['audit', '-f', 'markdown', SANITIZED, WHOLE])).stdout;
    expect(markdown.split(mdText(NOTICE))).toHaveLength(2);
  });

  it('sarif: a note among the tool notifications', async () => {
    const sarif = JSON.parse((await cli(['audit', '-f', 'sarif', SANITIZED])).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.filter((n: { level: string }) => n.level === 'note');
    expect(notes.map((n: { message: { text: string } }) => n.message.text)).toEqual([`${SANITIZED}: ${NOTICE}`]);
    expect(sarif.runs[0].results.filter((r: { level: string }) => r.level !== 'note')).toEqual([]);
  });

  it('changes neither the verdict nor the exit status of a clean sign-in', async () => {
    const { code } = await cli(['audit', '--fail-on', 'warning', SANITIZED]);
    expect(code).toBe(0);
  });
});
