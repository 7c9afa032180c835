import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, layeringViolations, type SourceFile } from './support/architecture.ts';

const ROOT = new URL('../', import.meta.url);

/** Every TypeScript source under src/, read relative to this file (never an absolute path). */
function sources(): SourceFile[] {
  return readdirSync(new URL('src/', ROOT), { recursive: true, encoding: 'utf8' })
    .map((entry) => `src/${entry.replace(/\\/g, '/')}`)
    .filter((path) => /\.tsx?$/.test(path))
    .sort()
    .map((path) => ({ path, text: readFileSync(new URL(path, ROOT), 'utf8') }));
}

describe('the layering of src/', () => {
  it('holds: core imports only core and jose, report only core, capture and messaging only core, views never the CLI or the worker', () => {
    const files = sources();
    expect(files.some((f) => f.path === 'src/core/analyze.ts')).toBe(true);
    expect(layeringViolations(files)).toEqual([]);
  });
});

describe('the layering checker', () => {
  it('reads every form of import, and none in a comment or a string', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../core/b.ts';",
      "import './side-effect.ts';",
      "export { c } from './c.ts';",
      "export * from './d.ts';",
      "const e = await import('./e.ts');",
      "type F = import('./f.ts').F;",
      "new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });",
      "// import { g } from '../cli/g.ts';",
      'const h = "import { h } from \'../cli/h.ts\'";',
      "new URL('./not-a-module.txt', base);",
    ].join('\n');
    expect(importSpecifiers('src/devtools/x.tsx', text)).toEqual([
      './a.ts',
      '../core/b.ts',
      './side-effect.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
      './worker.ts',
    ]);
  });

  it('reports each planted violation with its file and specifier', () => {
    const planted: SourceFile[] = [
      {
        path: 'src/core/leak.ts',
        text: "import { render } from '../report/markdown.ts';\nimport { z } from 'zod';\nimport { readFileSync } from 'node:fs';",
      },
      { path: 'src/core/rules/ok.ts', text: "import { base64url } from 'jose';\nimport type { Flow } from '../model.ts';" },
      { path: 'src/report/version.ts', text: "import { version } from '../../package.json';" },
      { path: 'src/report/leak.ts', text: "import { USAGE } from '../cli/run.ts';\nimport x from '../../tests/support/rule.ts';" },
      { path: 'src/capture/leak.ts', text: "import { store } from '../background/session-store.ts';" },
      { path: 'src/devtools/views/Leak.tsx', text: "export { formatText } from '../../cli/formats/text.ts';" },
      { path: 'src/popup/leak.ts', text: "const badge = await import('../background/badge.ts');" },
      { path: 'src/cli/leak.ts', text: "new Worker(new URL('../devtools/import/import-worker.ts', import.meta.url));" },
      { path: 'src/messaging/ok.ts', text: "import type { Runtime } from 'webextension-polyfill';" },
      { path: 'src/core/leak.test.ts', text: "import { run } from '../cli/run.ts';" },
      { path: 'src/shared/new.ts', text: '' },
    ];
    expect(layeringViolations(planted).map(({ file, specifier }) => ({ file, specifier }))).toEqual([
      { file: 'src/core/leak.ts', specifier: '../report/markdown.ts' },
      { file: 'src/core/leak.ts', specifier: 'zod' },
      { file: 'src/core/leak.ts', specifier: 'node:fs' },
      { file: 'src/report/leak.ts', specifier: '../cli/run.ts' },
      { file: 'src/report/leak.ts', specifier: '../../tests/support/rule.ts' },
      { file: 'src/capture/leak.ts', specifier: '../background/session-store.ts' },
      { file: 'src/devtools/views/Leak.tsx', specifier: '../../cli/formats/text.ts' },
      { file: 'src/popup/leak.ts', specifier: '../background/badge.ts' },
      { file: 'src/cli/leak.ts', specifier: '../devtools/import/import-worker.ts' },
      { file: 'src/shared/new.ts', specifier: '' },
    ]);
  });

  it('says which rule an import breaks, and why the rule exists', () => {
    const [violation] = layeringViolations([{ path: 'src/popup/p.ts', text: "import { VERSION } from '../cli/run.ts';" }]);
    expect(violation).toEqual({
      file: 'src/popup/p.ts',
      specifier: '../cli/run.ts',
      reason: 'src/popup never imports src/cli: a view never reaches into the command line or the service worker',
    });
  });
});
