// Puppeteer's own browser download cannot work offline; the tests use Debian's Chromium
// (/usr/bin/chromium, or CHROME_PATH).
module.exports = { skipDownload: true };
