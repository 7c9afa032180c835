/** Imports a HAR file through the panel's own file input and opens its flow, as a user would. */
import type { ElementHandle, Page } from 'puppeteer';

/** A big or hostile file takes its time on a loaded machine. */
export const IMPORT_TIMEOUT = 60_000;

/**
 * Uploads `file` (its row is labelled `label`), selects its flow, and waits until the import has finished and
 * the detail shown is that flow's, with `ready` (a selector) inside it: the previous flow's detail stays on
 * screen until the import worker sends the new one, and a big file shows a preview first.
 */
export async function importAndOpen(panel: Page, file: string, label: string, ready: string): Promise<void> {
  const input = (await panel.$('#import-har')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(file);
  await panel.waitForFunction(
    (name) => [...document.querySelectorAll('#flow-list [data-field="source"]')].some((e) => e.textContent === name),
    { timeout: IMPORT_TIMEOUT },
    label,
  );
  await panel.evaluate((name) => {
    const row = [...document.querySelectorAll<HTMLElement>('#flow-list [data-flow-key]')].find(
      (r) => r.querySelector('[data-field="source"]')?.textContent === name,
    )!;
    if (row.getAttribute('aria-selected') !== 'true') row.click();
  }, label);
  await panel.waitForFunction(
    (name, selector) => {
      const row = document.querySelector<HTMLElement>('#flow-list [aria-selected="true"]');
      if (row?.querySelector('[data-field="source"]')?.textContent !== name || document.querySelector('[data-importing]')) return false;
      return document.querySelector(`#flow-detail[data-flow-key="${row.dataset.flowKey}"] ${selector}`) !== null;
    },
    { timeout: IMPORT_TIMEOUT },
    label,
    ready,
  );
}
