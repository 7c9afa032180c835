/**
 * Renders assets/icon.svg to the PNG sizes the manifests name (assets/icons/icon-<size>.png), with Debian's
 * Chromium through puppeteer: the browser's own rasteriser, so no image library is needed. The PNGs are
 * committed; run `npm run icons` again after editing the SVG.
 *
 * `--preview FILE` also writes a picture of the icon at 16 px in a light and a dark toolbar, beside a badge, to
 * check it by eye.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../demo/browser.ts';

export const ICON_SIZES = [16, 32, 48, 128] as const;
const root = resolve(import.meta.dirname, '..');
const svg = readFileSync(resolve(root, 'assets/icon.svg'), 'utf8');
const svgUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

const { values } = parseArgs({ options: { preview: { type: 'string' } } });
const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage();
  for (const size of ICON_SIZES) {
    await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
    await page.setContent(`<body style="margin:0"><img src="${svgUrl}" width="${size}" height="${size}" style="display:block"></body>`);
    await page.waitForFunction(() => document.images[0]?.complete);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(resolve(root, `assets/icons/icon-${size}.png`), png);
    console.log(`assets/icons/icon-${size}.png`);
  }
  if (values.preview) {
    // Chrome draws the badge over the icon's lower right; the toolbar is 16 px icons at 1x or 2x.
    const toolbar = (background: string, badge: string, text: string) => `
      <div style="background:${background};display:flex;gap:24px;padding:12px 16px">
        ${[1, 2]
          .map(
            (scale) => `<div style="position:relative;width:${16 * scale}px;height:${16 * scale}px">
              <img src="${svgUrl}" width="${16 * scale}" height="${16 * scale}">
              <span style="position:absolute;right:${-4 * scale}px;bottom:${-3 * scale}px;background:${badge};color:#fff;
                font:bold ${8 * scale}px sans-serif;padding:0 ${2 * scale}px;border-radius:${3 * scale}px">${text}</span></div>`,
          )
          .join('')}
        <img src="${svgUrl}" width="32" height="32"><img src="${svgUrl}" width="48" height="48"><img src="${svgUrl}" width="128" height="128">
      </div>`;
    await page.setViewport({ width: 420, height: 360, deviceScaleFactor: 2 });
    await page.setContent(`<body style="margin:0">${toolbar('#f1f3f4', '#d93025', '2')}${toolbar('#202124', '#188038', '✓')}</body>`);
    await page.waitForFunction(() => [...document.images].every((image) => image.complete));
    writeFileSync(values.preview, await page.screenshot({ fullPage: true }));
    console.log(values.preview);
  }
} finally {
  await chromium.close();
}
