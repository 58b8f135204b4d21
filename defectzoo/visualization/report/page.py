"""The page of the inspection report: the summary (rendered here from the
counts), then a table of all images that the page's script fills one page
of rows at a time from ``report_data.js`` (filters and sort over all
images). The view is kept in the address's fragment, e.g.
``report.html#filter=ood&sort=name&page=3``, so it can be linked.

The page is ``report.html`` (a :class:`string.Template`: ``${title}``,
``${summary}``, ``${stats}``, and ``${css}`` / ``${js}``, where
``report.css`` and ``report.js`` go inline), files of this package.
``defectzoo.apis.report`` writes it with the run's data.
"""
import html
from collections import Counter
from functools import lru_cache
from importlib import resources
from string import Template

#: bins of the defect-score histogram
HIST_BINS = 20


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """The text of the package file ``name`` (``report.html``, ...)."""
    return resources.files(__package__).joinpath(name).read_text(
        encoding='utf-8')


def render_page(title: str, summary: str, stats: str) -> str:
    """The HTML of ``report.html``: ``title`` (text, escaped here), the
    ``summary`` line and ``stats`` block (HTML, :func:`summary_line` /
    :func:`summary_html`), the style and the table's script inline."""
    return Template(_asset('report.html')).substitute(
        title=html.escape(title),
        summary=summary,
        stats=stats,
        css=_asset('report.css'),
        js=_asset('report.js'))


class Stats:
    """Counts, per-class counts and the score histogram of the images
(their result dicts, :meth:`add`-ed one at a time) for the summary."""

    def __init__(self):
        self.verdicts, self.classes = Counter(), Counter()
        self.defect_classes, self.ood = Counter(), 0
        self.hist = [0] * HIST_BINS

    def add(self, p: dict) -> None:
        self.verdicts[p['verdict']] += 1
        if p.get('pred_class') is not None:
            self.classes[p['pred_class']] += 1
            self.defect_classes[p['pred_class']] += p['verdict'] == 'defect'
        self.ood += bool((p.get('ood') or {}).get('flag'))
        score = min(max(float(p['defect_score']), 0.0), 1.0)
        self.hist[min(int(score * HIST_BINS), HIST_BINS - 1)] += 1

    def summary(self, skipped: int) -> dict:
        n = sum(self.verdicts.values())
        return dict(
            images=n + skipped,
            predicted=n,
            skipped=skipped,
            defect=self.verdicts['defect'],
            ok=self.verdicts['OK'],
            ood=self.ood)


def histogram_svg(hist, thr: float) -> str:
    """An inline SVG bar chart of the defect-score histogram."""
    w, h, x0, top = 420, 130, 34, max(hist) or 1
    step = (w - x0 - 6) / len(hist)
    bars = []
    for i, n in enumerate(hist):
        lo, bh = i / len(hist), (h - 30) * n / top
        colour = '#d22' if lo >= thr else '#2a2'
        bars.append(f'<rect x="{x0 + i * step:.1f}" y="{h - 20 - bh:.1f}" '
                    f'width="{step - 2:.1f}" height="{bh:.1f}" fill='
                    f'"{colour}"><title>{lo:.2f}-{lo + 1 / len(hist):.2f}: '
                    f'{n}</title></rect>')
    xt = x0 + thr * (w - x0 - 6)
    axis = ''.join(
        f'<text x="{x0 + v * (w - x0 - 6):.0f}" y="{h - 6}" font-size="10" '
        f'text-anchor="middle">{v:g}</text>' for v in (0, 0.5, 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height='
            f'"{h}" role="img" aria-label="defect score histogram">'
            f'{"".join(bars)}{axis}<text x="2" y="14" font-size="10">{top}'
            f'</text><line x1="{xt:.1f}" x2="{xt:.1f}" y1="4" y2="{h - 20}" '
            'stroke="#000" stroke-dasharray="3 2"/></svg>')


def _rate(n: int, total: int) -> str:
    return f'{100 * n / total:.1f} %' if total else '—'


def summary_html(s: dict, m: dict, stats: Stats) -> str:
    """The summary block of the page: counts, rates, classes, histogram."""
    e, n = html.escape, s['predicted']
    ood = _rate(s['ood'], n) if m.get('ood_threshold') is not None else \
        'no OOD statistics'
    cards = [(s['images'], 'images', ''),
             (s['defect'], f'defect ({_rate(s["defect"], n)})', 'defect'),
             (s['ok'], 'OK', ''),
             (s['ood'], f'out of distribution ({ood})', ''),
             (s['skipped'], 'skipped', '')]
    cards = ''.join(f'<div class="{c}"><b>{v}</b>{t}</div>'
                    for v, t, c in cards)
    classes = ''.join(
        f'<tr><td>{e(str(c))}</td><td>{k}</td><td>'
        f'{stats.defect_classes[c]}</td></tr>'
        for c, k in sorted(stats.classes.items(), key=lambda x: -x[1]))
    return (f'<div id="stats">{cards}</div><div class="charts"><figure>'
            f'{histogram_svg(stats.hist, m["score_thr"])}<figcaption>defect '
            f'scores of {n} images; dashed: the verdict threshold '
            f'{m["score_thr"]}</figcaption></figure><table id="classes">'
            '<tr><th>predicted class</th><th>images</th><th>of them defect'
            f'</th></tr>{classes}</table></div>')


def summary_line(s: dict, m: dict) -> str:
    """The page's first line: counts (``s``: :meth:`Stats.summary`), model
    and settings (``m``: the run's ``model`` record)."""
    e = html.escape
    line = (f'{s["images"]} image(s): <b>{s["defect"]} defect</b>, '
            f'{s["ok"]} OK, {s["ood"]} out of distribution, '
            f'{s["skipped"]} skipped (unreadable). Model: {e(m["task"])}, '
            f'weights {e(str(m["weights"]))}, verdict threshold '
            f'{m["score_thr"]}.')
    if m.get('tile'):
        line += f' Sliced: {m["tile"]} px tiles, {m["overlap"]} px overlap.'
    return line
