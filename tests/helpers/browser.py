"""A local page in a real headless browser (Debian's chromium)."""
import os.path as osp
import shutil
import subprocess


def chromium():
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    assert exe, ('chromium is needed for the report test: apt-get install '
                 'chromium (.ci/run installs it)')
    return exe


def open_in_browser(html_path, fragment=''):
    """(DOM after scripts ran, console messages) of a local page
    (``fragment``: what follows ``#`` in its address)."""
    out = subprocess.run([
        chromium(), '--headless', '--no-sandbox', '--disable-gpu',
        '--enable-logging=stderr', '--v=0', '--dump-dom', 'file://' +
        osp.abspath(html_path) + (f'#{fragment}' if fragment else '')
    ],
                         capture_output=True,
                         text=True,
                         timeout=120)
    console = [line for line in out.stderr.splitlines() if ':CONSOLE' in line]
    return out.stdout, console
