/**
 * `oauth-lens audit` on OAuth Lens's own redacted HAR export (the panel's "Export HAR"): every format says once
 * per input that the secrets were markers and what that leaves unjudged (JSON `inputs[].redactedExport`, schema 1.2;
 * one notice worded by src/report/redacted-input.ts), and the verdict and exit status of a correct sign-in
 * stay those of its capture.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHarText } from '../../src/capture/har.ts';
import type { AuditReport } from '../../src/core/report.ts';
import { exchangesToHar } from '../../src/devtools/export-har.ts';
import { buildSource } from '../../src/devtools/sources.ts';
import { mdText } from '../../src/report/markdown.ts';
import { redactedInputNotice } from '../../src/report/redacted-input.ts';
import { cli, tempDir } from './support.ts';

const demo = (name: string) => new URL(`../fixtures/demo/${name}`, import.meta.url);
const NOTICE = redactedInputNotice('numbered')!;
const temp = tempDir();
let REDACTED = '';
let UNREDACTED = '';

beforeAll(async () => {
  const { exchanges } = parseHarText(readFileSync(demo('refresh.har'), 'utf8'));
  const source = await buildSource('s', 'refresh.har', 'import', exchanges);
  REDACTED = temp.write('redacted.har', JSON.stringify(exchangesToHar(exchanges, { redactor: source.redactor, toolVersion: 't' })));
  UNREDACTED = decodeURIComponent(demo('refresh.har').pathname);
});
afterAll(() => temp.cleanup());

describe('a redacted OAuth Lens export, in every format', () => {
  it('json: inputs[].redactedExport', async () => {
    const redacted = JSON.parse((await cli(['audit', '-f', 'json', REDACTED])).stdout) as AuditReport;
    expect(redacted.schemaVersion).toBe('1.3');
    expect(redacted.inputs[0]!.redactedExport).toBe('numbered');
    const whole = JSON.parse((await cli(['audit', '-f', 'json', UNREDACTED])).stdout) as AuditReport;
    expect(whole.inputs[0]!.redactedExport).toBeNull();
    expect(redacted.inputs[0]!.summary.verdict).toBe(whole.inputs[0]!.summary.verdict);
  });

  it('text and markdown: the notice, once, only for the redacted file', async () => {
    const text = (await cli(['audit', REDACTED, UNREDACTED])).stdout;
    expect(text.split(NOTICE)).toHaveLength(2);
    const markdown = (await cli(['audit', '-f', 'markdown', REDACTED, UNREDACTED])).stdout;
    expect(markdown.split(mdText(NOTICE))).toHaveLength(2);
  });

  it('sarif: a note among the tool notifications', async () => {
    const sarif = JSON.parse((await cli(['audit', '-f', 'sarif', REDACTED])).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text);
    expect(notes).toContain(`${REDACTED}: ${NOTICE}`);
  });

  it('keeps the exit status of the capture', async () => {
    expect((await cli(['audit', '--fail-on', 'warning', REDACTED])).code).toBe(
      (await cli(['audit', '--fail-on', 'warning', UNREDACTED])).code,
    );
  });
});
