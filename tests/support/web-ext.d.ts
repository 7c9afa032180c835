// web-ext ships no types; this covers the lint command as the Firefox add-on test calls it (web-ext's
// lib/cmd/lint.js hands the options to addons-linter and, with `shouldExitProgram: false`, returns its output).
declare module 'web-ext' {
  export interface LintMessage {
    code: string;
    message: string;
    description: string;
    file?: string;
    line?: number;
    column?: number;
  }

  export interface LintResult {
    summary: { errors: number; warnings: number; notices: number };
    errors: LintMessage[];
    warnings: LintMessage[];
    notices: LintMessage[];
  }

  const webExt: {
    cmd: {
      lint(
        params: { sourceDir: string; output?: 'text' | 'json' | 'none'; selfHosted?: boolean; warningsAsErrors?: boolean },
        options: { shouldExitProgram: false },
      ): Promise<LintResult>;
    };
  };
  export default webExt;
}
