#!/usr/bin/env bash
# Format the repository in place the OpenMMLab way (settings in setup.cfg):
# isort, then yapf, over the Python sources. Run from anywhere:
#
#   bash tools/misc/format_tree.sh            # format in place
#   bash tools/misc/format_tree.sh --check    # only report (exit 1 if any)
#
# Needs the pinned linters: pip install -r requirements/lint.txt
# The CI lint step (.ci/run) runs the --check form plus flake8.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIRS=(defectzoo tools tests benchmarks configs setup.py)
if [ "${1:-}" = --check ]; then
  status=0
  python -m flake8 "${DIRS[@]}" || status=1
  python -m isort --check-only --diff "${DIRS[@]}" || status=1
  diff=$(python -m yapf --diff --recursive "${DIRS[@]}") || true
  if [ -n "$diff" ]; then
    printf '%s\n' "$diff"
    echo 'yapf: the files above are not formatted (bash tools/misc/format_tree.sh)' >&2
    status=1
  fi
  exit $status
fi
python -m isort "${DIRS[@]}"
python -m yapf --in-place --recursive --parallel "${DIRS[@]}"
