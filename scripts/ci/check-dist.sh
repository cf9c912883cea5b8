#!/usr/bin/env bash
# Fails when the committed dist/ differs from what was just built (run `npm run build` first).
# Says what differs on stderr and, on a runner, in the job summary. Used by .ci/run (and so by
# ci.yml) and by release.yml.
set -euo pipefail
cd "$(dirname "$0")/../.."

untracked="$(git ls-files --others --exclude-standard -- dist/)"
if git diff --quiet -- dist/ && [ -z "$untracked" ]; then
  echo "dist/ matches a fresh build."
  exit 0
fi

report() {
  echo '```'
  git diff --text --stat -- dist/
  if [ -n "$untracked" ]; then
    echo "Not committed:"
    echo "$untracked"
  fi
  echo '```'
}

echo "dist/ is stale: run npm run build and commit dist/ with the source." >&2
report >&2
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "## dist/ does not match a fresh build"
    echo
    echo 'Run `npm ci && npm run build` and commit `dist/`.'
    echo
    report
    echo
    echo '<details><summary>First 200 lines of the difference</summary>'
    echo
    echo '```diff'
    git diff --text -- dist/ | head -n 200
    echo '```'
    echo '</details>'
  } >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_ACTIONS:-}" ]; then
  echo "::error title=dist is stale::dist/ differs from a fresh build: run npm run build and commit dist/ (the job summary shows the difference)."
fi
exit 1
