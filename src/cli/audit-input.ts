/** One HAR, converted, analysed and reported: what `oauth-lens audit` and the API's `audit` do with each input. */
import type { HarConversion } from '../capture/har.ts';
import { analyze } from '../core/analyze.ts';
import { buildInputReport, type InputReport } from '../core/report.ts';

export async function auditConversion(conversion: HarConversion, options: { file: string; redact: boolean }): Promise<InputReport> {
  const analysis = await analyze(conversion.exchanges);
  return buildInputReport(analysis, {
    file: options.file,
    redact: options.redact,
    exchanges: conversion.exchanges,
    skippedEntries: conversion.warnings,
    harEntryOf,
  });
}

/** The HAR adapter names exchanges `har-<entry index>`. */
function harEntryOf(exchangeId: string): number | undefined {
  const match = /^har-(\d+)$/.exec(exchangeId);
  return match ? Number(match[1]) : undefined;
}
