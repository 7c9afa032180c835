/** A problem with an input, for a one-line message: `oauth-lens: FILE: PROBLEM`. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(problem);
  }
}
