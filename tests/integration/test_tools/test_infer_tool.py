"""tools/infer.py on a folder: overlays, results.json, summary.csv and the
HTML report, opened in a real headless browser (Debian's chromium)."""
import csv
import json
import os.path as osp
import re

import pytest

from tests.helpers.browser import open_in_browser
from tests.helpers.tiny_models import infer_main, make_model, write_images


@pytest.fixture(scope='module')
def inspection(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('infer')
    cfg, ckpt = make_model(tmp, 'det')
    paths = write_images(tmp / 'imgs', 3, bad=('broken.png', ))
    out = tmp / 'out'
    res = infer_main(
        [cfg, ckpt,
         str(tmp / 'imgs'), '--out-dir',
         str(out), '--no-progress'])
    return dict(out=str(out), res=res, paths=paths)


def test_outputs(inspection):
    out, res = inspection['out'], inspection['res']
    assert res['summary'] == dict(
        images=4, predicted=3, skipped=1, defect=3, ok=0, ood=0)
    assert res['skipped'][0]['input'].endswith('broken.png')
    with open(osp.join(out, 'results.json')) as f:
        saved = json.load(f)
    assert [p['input'] for p in saved['predictions']] == inspection['paths']
    assert saved['timing']['images_per_s'] > 0
    assert saved['timing']['report_s'] >= 0
    for p in saved['predictions']:
        assert osp.isfile(osp.join(out, p['overlay']))
        assert p['boxes'] and p['verdict'] == 'defect'
    with open(osp.join(out, 'summary.csv')) as f:
        rows = list(csv.DictReader(f))
    assert [r['input'] for r in rows] == inspection['paths']
    assert all(r['verdict'] == 'defect' and int(r['num_boxes']) > 0
               for r in rows)


def test_report_in_headless_chromium(inspection):
    out = inspection['out']
    report = osp.join(out, 'report.html')
    html = open(report).read()
    assert 'data:image' not in html  # thumbnails are files beside the page
    for link in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert link == 'data:,' or osp.isfile(osp.join(out, link)), link
    assert html.index('id="stats"') < html.index('id="table"')  # summary 1st
    assert '<svg' in html  # the score histogram
    dom, console = open_in_browser(report)
    assert console == [], console
    assert dom.count('<tr class="row defect">') == 3  # one row per image
    assert '<span id="shown">3</span>' in dom  # the script ran
    for thumb in re.findall(r'<img[^>]* src="([^"]+)"', dom):
        assert osp.isfile(osp.join(out, thumb)), thumb
    assert 'broken.png' in dom and 'id="nskipped">1<' in dom


def test_inspect_through_the_inferencer(tmp_path):
    from defectzoo.apis import init_inferencer
    cfg, ckpt = make_model(tmp_path, 'seg')
    write_images(tmp_path / 'imgs', 2)
    res = init_inferencer(cfg, ckpt).inspect(
        str(tmp_path / 'imgs'), str(tmp_path / 'out'), show_progress=False)
    assert res['summary']['predicted'] == 2
    for p in res['predictions']:  # label maps written beside the overlays
        assert osp.isfile(tmp_path / 'out' / p['mask'])
        assert osp.isfile(tmp_path / 'out' / p['overlay'])
    assert osp.isfile(tmp_path / 'out' / 'report.html')


def test_browser_check_sees_script_errors(tmp_path):
    """The console capture of the test above does catch errors."""
    page = tmp_path / 'bad.html'
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" '
                    'href="data:,"></head><body><script>notDefined();'
                    '</script></body></html>')
    _, console = open_in_browser(page)
    assert any('notDefined is not defined' in line for line in console)


@pytest.mark.parametrize('extra, msg', [
    (['--tile', '0'], 'tile must be an integer >= 32'),
    (['--tile', '31'], 'tile must be an integer >= 32'),
    (['--tile', '1.5'], '--tile takes an integer'),
    (['--tile', '128', '--overlap', '128'], 'overlap must be an integer in '
     r'0\.\.127 \(0 <= overlap < tile = 128\)'),
    (['--tile', '128', '--overlap', '-1'], r'in 0\.\.127'),
    (['--overlap', '8'], '--overlap needs --tile'),
])
def test_tile_options_refused(tmp_path, capsys, extra, msg):
    with pytest.raises(SystemExit) as exc:
        infer_main(['cfg.py', 'img.png', '--out-dir', str(tmp_path)] + extra)
    assert exc.value.code == 2
    assert re.search(msg, capsys.readouterr().err)


def test_sliced_inspection(tmp_path):
    """--tile 128 --overlap 32 on a 16-bit 300x200 radiograph: every
    defect once, in image coordinates, on a full-size overlay."""
    import cv2

    from tests.helpers.tiny_models import DEFECTS, radiograph
    cfg, ckpt = make_model(tmp_path, 'blob')
    path = str(tmp_path / 'radiograph.png')
    cv2.imwrite(path, radiograph())
    out = tmp_path / 'out'
    res = infer_main([
        cfg, ckpt, path, '--out-dir',
        str(out), '--no-progress', '--tile', '128', '--overlap', '32',
        '--batch-size', '3'
    ])
    (pred, ) = res['predictions']
    assert pred['tiles'] == 6 and pred['num_boxes'] == len(DEFECTS)
    assert sorted(b['bbox'] for b in pred['boxes']) == sorted(
        list(map(float, d)) for d in DEFECTS)
    assert (res['model']['tile'], res['model']['overlap']) == (128, 32)
    assert cv2.imread(str(out / pred['overlay'])).shape == (200, 300, 3)
    assert 'Sliced: 128 px tiles, 32 px overlap.' in open(
        out / 'report.html').read()
    with pytest.raises(SystemExit, match='for detectors'):
        cls_cfg, cls_ckpt = make_model(tmp_path, 'cls')
        infer_main([
            cls_cfg, cls_ckpt, path, '--out-dir',
            str(tmp_path / 'out_cls'), '--tile', '128'
        ])
