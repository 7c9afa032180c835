// The floor of any HAR audit in Node: read the whole file as UTF-8 and JSON.parse it. Nothing else.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: parse-floor.mjs FILE.har\n');
  process.exit(2);
}
const har = JSON.parse(readFileSync(file, 'utf8'));
// Touch the result so the parse cannot be considered dead (it cannot be, but say what was parsed).
process.stdout.write(`${JSON.stringify({ entries: har.log.entries.length })}\n`);
