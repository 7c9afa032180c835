/**
 * The layering of `src/`, as data, and a checker over source texts: which folder may import which. The
 * specifiers are read from the syntax tree (TypeScript's parser), so an import in a comment or a string is
 * not one, and every form counts: `import … from`, `import '…'`, `export … from`, `import('…')`, an
 * `import('…').Type`, and a worker's `new URL('…', import.meta.url)`.
 */
import { posix } from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** From the repository root, with forward slashes: `src/core/pkce.ts`. */
  path: string;
  text: string;
}

export interface LayerRule {
  /** The folder under `src/`. */
  layer: string;
  /** Why the rule exists, said in a violation. */
  why: string;
  /** The only layers it may import (itself always may); undefined: any layer but those in `never`. */
  only?: readonly string[];
  never?: readonly string[];
  /** With `only`: the only packages it may import (undefined: none). */
  packages?: readonly string[];
  /** With `only`: the only files outside `src/` it may import, from the repository root. */
  files?: readonly string[];
}

export const LAYERS: readonly LayerRule[] = [
  {
    layer: 'core',
    why: 'the core is pure: the extension, the panel and the CLI all run it',
    only: [],
    packages: ['jose'],
  },
  {
    layer: 'report',
    why: 'the wording every view shares depends on the core alone',
    only: ['core'],
    files: ['package.json'],
  },
  { layer: 'capture', why: 'capture adapters map browser events and HAR entries into the core model', only: ['core'] },
  {
    layer: 'messaging',
    why: 'the protocol between the worker and the pages speaks the core model',
    only: ['core'],
    packages: ['webextension-polyfill'],
  },
  { layer: 'devtools', why: 'a view never reaches into the command line or the service worker', never: ['cli', 'background'] },
  { layer: 'popup', why: 'a view never reaches into the command line or the service worker', never: ['cli', 'background'] },
  { layer: 'cli', why: 'the command line runs in Node, without the extension', never: ['devtools', 'popup', 'background'] },
  { layer: 'background', why: 'the service worker has no view code', never: ['devtools', 'popup', 'cli'] },
  {
    layer: 'content',
    why: "the scripts run in a sign-in's pages: they copy bodies and relay them, with no view or worker state",
    never: ['devtools', 'popup', 'cli', 'messaging'],
  },
];

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

/** Every module specifier a source text imports, in order of appearance. */
export function importSpecifiers(path: string, text: string): string[] {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    } else if (ts.isNewExpression(node) && isWorkerUrl(node)) {
      found.push((node.arguments![0] as ts.StringLiteralLike).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `new URL('./worker.ts', import.meta.url)`: how Vite (and browsers) name a module to load as a worker. */
function isWorkerUrl(node: ts.NewExpression): boolean {
  const [target, base] = node.arguments ?? [];
  return (
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'URL' &&
    target !== undefined &&
    ts.isStringLiteralLike(target) &&
    base !== undefined &&
    ts.isPropertyAccessExpression(base) &&
    base.name.text === 'url' &&
    ts.isMetaProperty(base.expression) &&
    base.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

type Target = { kind: 'layer'; layer: string } | { kind: 'package'; name: string } | { kind: 'file'; path: string };

/** What a specifier names: a layer of `src/`, a package, or another file of the repository. */
function targetOf(file: string, specifier: string): Target {
  const bare = specifier.replace(/[?#].*$/, '');
  if (!bare.startsWith('.') && !bare.startsWith('/')) {
    const parts = bare.split('/');
    return { kind: 'package', name: bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
  }
  const path = posix.normalize(posix.join(posix.dirname(file), bare));
  const layer = layerOf(path);
  return layer !== undefined ? { kind: 'layer', layer } : { kind: 'file', path };
}

/** `src/core/rules/pkce-missing.ts` → `core`; undefined outside a folder of `src/`. */
function layerOf(path: string): string | undefined {
  return /^src\/([^/]+)\//.exec(path)?.[1];
}

/** Test files run in Node with test tooling; the layering is about the code that ships. */
export const isTestFile = (path: string) => /\.test\.tsx?$/.test(path);

/** Every import of `files` (production sources under `src/`) that breaks `rules`, with the file and specifier. */
export function layeringViolations(files: readonly SourceFile[], rules: readonly LayerRule[] = LAYERS): Violation[] {
  const ruleOf = new Map(rules.map((r) => [r.layer, r]));
  const violations: Violation[] = [];
  for (const file of files) {
    if (isTestFile(file.path)) continue;
    const layer = layerOf(file.path);
    const rule = layer === undefined ? undefined : ruleOf.get(layer);
    if (rule === undefined) {
      violations.push({
        file: file.path,
        specifier: '',
        reason: `src/${layer ?? ''} is in no layer: add it to LAYERS (tests/support/architecture.ts)`,
      });
      continue;
    }
    for (const specifier of importSpecifiers(file.path, file.text)) {
      const reason = breaks(rule, targetOf(file.path, specifier));
      if (reason !== undefined) violations.push({ file: file.path, specifier, reason: `${reason}: ${rule.why}` });
    }
  }
  return violations;
}

function breaks(rule: LayerRule, target: Target): string | undefined {
  if (target.kind === 'layer') {
    if (target.layer === rule.layer) return undefined;
    if (rule.only && !rule.only.includes(target.layer))
      return `src/${rule.layer} may import only ${[`src/${rule.layer}`, ...rule.only.map((l) => `src/${l}`)].join(', ')}`;
    if (rule.never?.includes(target.layer)) return `src/${rule.layer} never imports src/${target.layer}`;
    return undefined;
  }
  if (!rule.only) return undefined;
  if (target.kind === 'package')
    return (rule.packages ?? []).includes(target.name) ? undefined : `src/${rule.layer} may not import the package ${target.name}`;
  return (rule.files ?? []).includes(target.path) ? undefined : `src/${rule.layer} may not import ${target.path}`;
}
