"""The inspection report's page (``report.html``): its template, style and
script are files of this package (``report.html``, ``report.css``,
``report.js``); :func:`render_page` fills them in."""
from .page import (HIST_BINS, Stats, histogram_svg, render_page, summary_html,
                   summary_line)

__all__ = [
    'HIST_BINS', 'Stats', 'histogram_svg', 'render_page', 'summary_html',
    'summary_line'
]
