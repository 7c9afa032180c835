#!/usr/bin/env bash
# The script of action.yml: expands the HAR globs from the repository root, audits the files with one
# `oauth-lens audit --format sarif` run, and reports through $GITHUB_OUTPUT. Each file is named by its path
# relative to the repository root, so the SARIF's artifactLocation.uri is relative too and code scanning can
# place the alerts; a file outside the repository keeps its absolute path (a file: URI).
#
# Environment: OAUTH_LENS_HAR (patterns, separated by blanks or new lines), OAUTH_LENS_FAIL_ON (default error),
# OAUTH_LENS_SARIF (default oauth-lens.sarif), OAUTH_LENS_VERSION (the npm package's version), OAUTH_LENS_CLI
# (a command to run instead of the npm package, e.g. `node bin/oauth-lens.js` in this repository), GITHUB_OUTPUT.
#
# Exit status: 0 when the report was written (the CLI's own status, 0 or 1, is the output `exit-code`, so that the
# report can be uploaded before the job fails), 2 when no HAR matched or the CLI could not read an input.
set -uo pipefail
shopt -s globstar nullglob

fail_on=${OAUTH_LENS_FAIL_ON:-error}
sarif=${OAUTH_LENS_SARIF:-oauth-lens.sarif}
output=${GITHUB_OUTPUT:-/dev/null}
if [[ -n ${OAUTH_LENS_CLI:-} ]]; then
  read -ra cli <<<"$OAUTH_LENS_CLI"
else
  cli=(npx --yes "oauth-lens@${OAUTH_LENS_VERSION:?OAUTH_LENS_VERSION or OAUTH_LENS_CLI is needed}")
fi

root=$PWD
files=()
read -ra patterns <<<"$(tr '\n' ' ' <<<"${OAUTH_LENS_HAR:-}")"
for pattern in "${patterns[@]}"; do
  # Unquoted on purpose: the pattern is expanded here, as a glob (nullglob: no match gives nothing).
  matched=0
  for file in $pattern; do
    [[ -f $file ]] || continue
    [[ $file == "$root/"* ]] && file=${file#"$root/"}
    files+=("${file#./}")
    matched=$((matched + 1))
  done
  ((matched > 0)) || echo "::warning::oauth-lens: no file matches ${pattern}"
done
if ((${#files[@]} == 0)); then
  echo "::error::oauth-lens: no HAR file matches ${OAUTH_LENS_HAR:-(no pattern given)}"
  exit 2
fi

mkdir -p -- "$(dirname -- "$sarif")"
# `--` ends the options: a file name may start with a dash.
"${cli[@]}" audit --format sarif --fail-on "$fail_on" --output "$sarif" -- "${files[@]}"
status=$?
if ((status > 1)); then
  exit "$status"
fi
echo "oauth-lens: audited ${#files[@]} HAR file(s) into ${sarif} (exit status ${status} for --fail-on ${fail_on})"
{
  echo "sarif-file=${sarif}"
  echo "exit-code=${status}"
} >>"$output"
