#!/usr/bin/env bash
# Install defectzoo and its OpenMMLab stack into the *active* Python 3.11 venv.
#
#   python3.11 -m venv .venv && source .venv/bin/activate && bash tools/install.sh
#
# Steps: torch 2.14.1 + torchvision 0.29.1, mmcv 2.1.0 with compiled ops
# (a wheel this script built before, kept in $DEFECTZOO_WHEEL_CACHE; else a
# prebuilt wheel from $DEFECTZOO_WHEELS when it matches; else compiled from
# the PyPI sdist with the C++ standard raised to C++20), mmengine, mmdet 3.3.0,
# mmpretrain 1.2.0, mmsegmentation 1.2.2, opencv, numpy, then defectzoo
# (editable, with test extras) and openmim (without its setuptools pin). It
# ends by checking the mmcv ops and fails loudly if they are missing.
#
# Environment variables:
#   DEFECTZOO_WHEELS     folder with prebuilt wheels (default: ../shared/wheels)
#   DEFECTZOO_WHEEL_CACHE where compiled mmcv wheels are kept and reused, one
#                        folder per torch version and CPU/CUDA build (default:
#                        ${XDG_CACHE_HOME:-~/.cache}/defectzoo/wheels)
#   DEFECTZOO_KEEP_TORCH =1 keeps the torch already installed (GPU users with
#                        their own CUDA torch; mmcv is then compiled against it)
#   MMCV_WITH_CUDA       =1 compiles mmcv's CUDA ops too (needs nvcc; FORCE_CUDA)
#   MAX_JOBS             parallel compile jobs (default: the usable cores; not
#                        `nproc`, which returns 1 under OMP_NUM_THREADS=1)
#   DEFECTZOO_NO_UV      =1 installs with pip only (default: uv installs the
#                        packages, pip builds mmcv; see "installer" below)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WHEELS=${DEFECTZOO_WHEELS:-$ROOT/../shared/wheels}
WHEEL_CACHE=${DEFECTZOO_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/defectzoo/wheels}
TORCH_SPEC=(torch==2.14.1 torchvision==0.29.1)
MMCV_VERSION=2.1.0
PIP=(python -m pip)
say() { printf '\n[defectzoo install] %s\n' "$*"; }
die() { printf '\n[defectzoo install] ERROR: %s\n' "$*" >&2; exit 1; }

[ -n "${VIRTUAL_ENV:-}${CONDA_PREFIX:-}" ] || \
  die "activate a Python 3.11 virtual environment first (python3.11 -m venv .venv && source .venv/bin/activate)"
python -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null || \
  say "warning: Python $(python -c 'import platform; print(platform.python_version())') — tested with 3.11 only"
start=$(date +%s)

# Installer ---------------------------------------------------------------------
# uv (from PyPI, into this venv) installs the packages: it keeps unpacked
# wheels in its cache and links them into the venv, so a re-install of torch
# and its CUDA libraries (~5 GB) takes seconds instead of minutes. uv does not
# read pip's configuration: the indexes and find-links pip is configured with
# are handed to it, and it may take a package from any of them, as pip does.
# Without uv (DEFECTZOO_NO_UV=1, or it cannot be installed) pip does it all.
INSTALL=("${PIP[@]}" install)
if [ "${DEFECTZOO_NO_UV:-0}" != 1 ] && \
   { python -m uv --version >/dev/null 2>&1 || "${PIP[@]}" install -q uv; }; then
  pip_setting() {  # environment first, then pip's configuration files
    local env_value=$1 key=$2
    [ -n "$env_value" ] && { echo "$env_value"; return; }
    "${PIP[@]}" config get "$key" 2>/dev/null | tr '\n' ' ' || true
  }
  extra=$(pip_setting "${PIP_EXTRA_INDEX_URL:-}" global.extra-index-url)
  links=$(pip_setting "${PIP_FIND_LINKS:-}" global.find-links)
  [ -n "${extra// /}" ] && export UV_EXTRA_INDEX_URL="${UV_EXTRA_INDEX_URL:-$extra}"
  [ -n "${links// /}" ] && \
    export UV_FIND_LINKS="${UV_FIND_LINKS:-$(echo $links | tr ' ' ',')}"
  export UV_INDEX_STRATEGY=${UV_INDEX_STRATEGY:-unsafe-best-match}
  # Compile .pyc at install, as pip does: uv does not by default, and where
  # PYTHONDONTWRITEBYTECODE is set every import would compile torch again.
  export UV_COMPILE_BYTECODE=${UV_COMPILE_BYTECODE:-1}
  INSTALL=(python -m uv pip install)
  say "installing with $(python -m uv --version) (cache: $(python -m uv cache dir))"
fi

# 1. torch ------------------------------------------------------------------
if [ "${DEFECTZOO_KEEP_TORCH:-0}" = 1 ] && python -c 'import torch' 2>/dev/null; then
  say "keeping installed torch $(python -c 'import torch; print(torch.__version__)')"
else
  say "installing ${TORCH_SPEC[*]}"
  "${INSTALL[@]}" "${TORCH_SPEC[@]}" numpy
fi
TORCH_VERSION=$(python -c 'import torch; print(torch.__version__.split("+")[0])')

# 2. mmcv with compiled ops --------------------------------------------------
mmcv_ops_ok() {
  python - <<'PY' 2>/dev/null
import torch
import mmcv
from mmcv.ops import nms, RoIAlign  # noqa: F401
boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
keep = nms(boxes, torch.tensor([0.9, 0.8]), 0.5)[1]
assert mmcv.__version__ == '2.1.0' and keep.tolist() == [0]
PY
}

# The cache folder of wheels built against this torch (CPU or CUDA ops).
cached_wheel_dir() {
  local variant=cpu
  [ "${MMCV_WITH_CUDA:-0}" = 1 ] && \
    variant="cuda$(python -c 'import torch; print(torch.version.cuda)')"
  echo "$WHEEL_CACHE/torch-$(python -c 'import torch; print(torch.__version__)')-$variant"
}

install_mmcv_wheel() {
  local tag plat name wheel
  tag=$(python -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
  plat=$(python -c 'import sysconfig; print(sysconfig.get_platform().replace("-", "_").replace(".", "_"))')
  name="mmcv-${MMCV_VERSION}-${tag}-${tag}-${plat}.whl"
  wheel="$(cached_wheel_dir)/$name"
  if [ -f "$wheel" ]; then
    say "installing cached $wheel (built by an earlier run of this script)"
    "${PIP[@]}" uninstall -y -q mmcv mmcv-lite 2>/dev/null || true
    "${INSTALL[@]}" "$wheel" && return 0
  fi
  wheel="$WHEELS/$name"
  # The shared wheel was built against torch 2.14.1 for CPU; any other torch
  # (or a CUDA build of mmcv) needs its own compilation.
  if [ -f "$wheel" ] && [ "$TORCH_VERSION" = 2.14.1 ] && [ "${MMCV_WITH_CUDA:-0}" != 1 ]; then
    say "installing prebuilt $(basename "$wheel")"
    "${PIP[@]}" uninstall -y -q mmcv mmcv-lite 2>/dev/null || true
    "${INSTALL[@]}" "$wheel" && return 0
  fi
  say "no matching prebuilt mmcv wheel in $WHEELS (python $tag, $plat, torch $TORCH_VERSION)"
  return 1
}

compile_mmcv() {
  say "compiling mmcv $MMCV_VERSION from the PyPI sdist (about 13 min on 2 cores)"
  local build url
  build=$(mktemp -d)
  # `pip download` cannot fetch this sdist: computing its metadata imports
  # pkg_resources, gone from recent setuptools. Fetch the file from the index.
  url=$(python - "$MMCV_VERSION" <<'PY'
import re, sys, urllib.request
v = sys.argv[1]
page = urllib.request.urlopen('https://pypi.org/simple/mmcv/', timeout=60).read().decode()
hits = re.findall(r'href="([^"]*/mmcv-%s\.tar\.gz[^"]*)"' % re.escape(v), page)
print(hits[0])
PY
) || die "could not find mmcv-$MMCV_VERSION.tar.gz on https://pypi.org/simple/mmcv/"
  python - "$url" "$build/mmcv.tar.gz" <<'PY'
import hashlib, sys, urllib.request
url, out = sys.argv[1], sys.argv[2]
data = urllib.request.urlopen(url.split('#')[0], timeout=300).read()
if '#sha256=' in url:
    want = url.split('#sha256=')[1]
    got = hashlib.sha256(data).hexdigest()
    assert got == want, f'sha256 mismatch for {url}: {got}'
open(out, 'wb').write(data)
PY
  tar xzf "$build/mmcv.tar.gz" -C "$build"
  # torch >= 2.6 headers need C++20; the sdist hard-codes -std=c++14/17.
  sed -i "s/'-std=c++1[47]'/'-std=c++20'/g" "$build/mmcv-$MMCV_VERSION/setup.py"
  # The sdist's setup.py imports pkg_resources (setuptools < 70). torch itself
  # wants setuptools >= 77, so the old one is only used for this build.
  local old_setuptools
  old_setuptools=$(python -c 'import setuptools; print(setuptools.__version__)')
  "${PIP[@]}" install "setuptools<70" wheel ninja
  if [ "${MMCV_WITH_CUDA:-0}" = 1 ]; then export FORCE_CUDA=1; fi
  local jobs
  jobs=${MAX_JOBS:-$(python -c 'import os; print(len(os.sched_getaffinity(0)))')}
  say "compiling with $jobs parallel jobs (MAX_JOBS)"
  MMCV_WITH_OPS=1 MAX_JOBS=$jobs \
    "${PIP[@]}" wheel --no-build-isolation --no-deps -w "$build/dist" "$build/mmcv-$MMCV_VERSION" \
    || die "compiling mmcv failed (see the compiler output above)"
  "${PIP[@]}" install "setuptools==$old_setuptools"
  "${PIP[@]}" uninstall -y -q mmcv mmcv-lite 2>/dev/null || true
  "${PIP[@]}" install "$build"/dist/mmcv-*.whl
  local cache
  cache=$(cached_wheel_dir)
  if mkdir -p "$cache" && cp "$build"/dist/mmcv-*.whl "$cache"/; then
    say "built wheel cached in $cache: the next install reuses it"
  else
    say "warning: could not cache the built wheel in $cache"
  fi
  rm -rf "$build"
}

if mmcv_ops_ok; then
  say "mmcv $MMCV_VERSION with ops already installed"
else
  install_mmcv_wheel && mmcv_ops_ok || compile_mmcv
fi

# 3. OpenMMLab libraries and defectzoo ----------------------------------------
say "installing mmengine, mmdet, mmpretrain, mmsegmentation and defectzoo"
"${INSTALL[@]}" -e "$ROOT[tests,optional]"
# openmim (mim search / download): its openxlab dependency pins setuptools 60,
# so install it without dependencies, plus its real runtime dependencies.
"${INSTALL[@]}" -r "$ROOT/requirements/mim.txt"
"${INSTALL[@]}" --no-deps openmim==0.3.9

# 4. A headless browser for the HTML-report tests -----------------------------
# The system's chromium (Debian / Ubuntu), installed when this user can (root
# and apt-get), else a line saying how; DEFECTZOO_NO_BROWSER=1 skips it.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  say "browser for the report tests: $(command -v chromium || command -v chromium-browser)"
elif [ "${DEFECTZOO_NO_BROWSER:-0}" = 1 ]; then
  say "warning: no chromium (DEFECTZOO_NO_BROWSER=1): the report's browser tests will fail"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium (apt-get) for the report's browser tests"
  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
    die "apt-get install chromium failed; install it yourself, or set DEFECTZOO_NO_BROWSER=1"
else
  say "warning: the report's browser tests need chromium and this user cannot install it: run 'sudo apt-get install chromium' (or your system's package)"
fi

# 5. Verify -------------------------------------------------------------------
mmcv_ops_ok || die "mmcv is installed WITHOUT its compiled ops (from mmcv.ops import nms, RoIAlign failed).
  mmcv builds without ops silently when torch is missing from its build environment.
  Re-run this script, or compile by hand: see 'Install' in README.md."
python - <<'PY' || die "the OpenMMLab stack does not import; see the message above"
import torch, torchvision, mmcv, mmengine, mmdet, mmpretrain, mmseg, cv2, numpy, defectzoo
from mmcv.ops import nms, RoIAlign  # noqa: F401
import mmdet.models, mmpretrain.models, mmseg.datasets, mmseg.models  # noqa: F401
print('torch', torch.__version__, '| torchvision', torchvision.__version__,
      '| mmcv', mmcv.__version__, '(ops ok) | mmengine', mmengine.__version__,
      '| mmdet', mmdet.__version__, '| mmpretrain', mmpretrain.__version__,
      '| mmseg', mmseg.__version__, '| opencv', cv2.__version__,
      '| numpy', numpy.__version__, '| defectzoo', defectzoo.__version__)
PY
say "done in $(( $(date +%s) - start )) s"
