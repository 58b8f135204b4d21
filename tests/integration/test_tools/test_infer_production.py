"""tools/infer.py on the production line: results streamed to
results.jsonl and resumed after a kill, no silent overwrite, a writable
output folder, empty inputs and bad options refused (exit 2), any file
name, formula-safe CSV, folders of class sub-folders."""
import csv
import json
import os
import re

import cv2
import numpy as np
import pytest

from defectzoo.apis import DefectClsInferencer
from tests.helpers.browser import open_in_browser
from tests.helpers.tiny_models import infer_main, make_model, write_images


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    return list(make_model(tmp_path_factory.mktemp('model'), 'cls'))


def tool(argv, capsys):
    """(exit code, stdout, stderr, results) of tools/infer.py."""
    try:
        res, code = infer_main([str(a) for a in argv] + ['--no-progress']), 0
    except SystemExit as exc:
        res, code = None, exc.code
    out, err = capsys.readouterr()
    return code, out, err, res


def lines(path):
    with open(path, 'rb') as f:
        return f.read().splitlines()


def test_killed_run_resumes(model, tmp_path, capsys, monkeypatch):
    paths = write_images(tmp_path / 'imgs', 4, bad=('broken.png', ))
    out = tmp_path / 'out'
    draw, calls = DefectClsInferencer.draw, []

    def dies_at_third_image(self, *args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the run stops here
        return draw(self, *args)

    monkeypatch.setattr(DefectClsInferencer, 'draw', dies_at_third_image)
    with pytest.raises(KeyboardInterrupt):
        tool(model + [tmp_path / 'imgs', '--out-dir', out], capsys)
    monkeypatch.undo()
    # each result was on disk as soon as it was done: broken.png, img_0, 1
    done = lines(out / 'results.jsonl')
    assert [json.loads(x)['input'] for x in done
            ] == [str(tmp_path / 'imgs' / 'broken.png')] + paths[:2]
    assert not (out / 'report.html').exists()
    # kill -9 while the next line was written: half a line, no newline
    with open(out / 'results.jsonl', 'ab') as f:
        f.write(b'{"input": "' + paths[2].encode() + b'", "task": "cla')
    with pytest.warns(UserWarning, match='line 4 is incomplete'):
        code, text, _, res = tool(model + [tmp_path / 'imgs', '--resume', out],
                                  capsys)
    assert code == 0
    assert 'resuming' in text and '2 of 5 to do' in text
    log = lines(out / 'results.jsonl')
    assert log[:3] == done  # not done again
    assert [json.loads(x)['input'] for x in log[3:]] == paths[2:]
    assert res['summary'] == dict(
        images=5, predicted=4, skipped=1, defect=4, ok=0, ood=0)
    saved = json.load(open(out / 'results.json'))
    assert [p['input'] for p in saved['predictions']] == paths
    assert saved['timing']['earlier_run_images'] == 3
    with open(out / 'summary.csv') as f:
        assert [r['input'] for r in csv.DictReader(f)] == paths
    thumbs = [p['thumb'] for p in saved['predictions']]
    assert len(set(thumbs)) == 4
    assert all((out / 'thumbs' / f'{t}.jpg').is_file() for t in thumbs)
    assert len(os.listdir(out / 'thumbs')) == 4


def test_earlier_run_refused_then_overwritten(model, tmp_path, capsys):
    write_images(tmp_path / 'a', 3)
    other = write_images(tmp_path / 'b', 1, seed=1)
    out = tmp_path / 'out'
    assert tool(model + [tmp_path / 'a', '--out-dir', out], capsys)[0] == 0
    (out / 'notes.txt').write_text('mine')
    code, _, err, _ = tool(model + [tmp_path / 'b', '--out-dir', out], capsys)
    assert code == 2
    assert err.count('\n') == 1 and str(out) in err
    assert '--resume' in err and '--overwrite' in err
    assert len(lines(out / 'results.jsonl')) == 3  # untouched
    code, _, _, res = tool(
        model + [tmp_path / 'b', '--out-dir', out, '--overwrite'], capsys)
    assert code == 0
    assert [p['input'] for p in res['predictions']] == other
    assert len(lines(out / 'results.jsonl')) == 1
    assert os.listdir(out / 'overlays') == ['img_0.png']
    assert os.listdir(out / 'thumbs') == ['0.jpg']
    assert (out / 'notes.txt').read_text() == 'mine'  # not the run's


def test_unwritable_out_dir(model, tmp_path, capsys):
    write_images(tmp_path / 'imgs', 1)
    (tmp_path / 'file').write_text('')
    code, _, err, _ = tool(
        model + [tmp_path / 'imgs', '--out-dir', tmp_path / 'file' / 'out'],
        capsys)
    assert code == 2
    assert re.fullmatch(
        r'error: cannot write to the output folder .*file/'
        r'out: .*\n', err)
    ro = tmp_path / 'ro'
    ro.mkdir()
    ro.chmod(0o500)
    if os.access(ro, os.W_OK):
        pytest.skip('chmod does not stop this user (root) from writing')
    for out in (ro, ro / 'out'):
        code, _, err, _ = tool(model + [tmp_path / 'imgs', '--out-dir', out],
                               capsys)
        assert code == 2 and 'cannot write to the output folder' in err


def test_no_image_is_an_error(model, tmp_path, capsys):
    (tmp_path / 'docs').mkdir()
    for name in ('a.txt', 'b.txt', 'c.txt'):
        (tmp_path / 'docs' / name).write_text('')
    code, _, err, _ = tool(
        model + [tmp_path / 'docs', '--out-dir', tmp_path / 'o1'], capsys)
    assert code == 2
    assert err == f'error: no images in {tmp_path / "docs"}: found 3 files ' \
        '(.txt)\n'
    assert not (tmp_path / 'o1').exists()  # refused before anything
    write_images(tmp_path / 'bad', 0, bad=('x.png', 'y.png'))
    code, _, err, _ = tool(
        model + [tmp_path / 'bad', '--out-dir', tmp_path / 'o2'], capsys)
    assert code == 2
    assert 'no readable image among the 2 input image(s)' in err
    assert (tmp_path / 'o2' / 'report.html').is_file()  # names the two


@pytest.mark.parametrize('option, value, msg', [
    ('--score-thr', '1.5', r'--score-thr must be a number in \[0, 1\], '
     r"got '1\.5'"),
    ('--score-thr', '-0.1', r'in \[0, 1\]'),
    ('--score-thr', 'nan', r"in \[0, 1\], got 'nan'"),
    ('--score-thr', 'high', r'in \[0, 1\]'),
    ('--batch-size', '0', '--batch-size must be an integer >= 1, got 0'),
    ('--batch-size', '-2', 'integer >= 1'),
    ('--batch-size', '1.5', '--batch-size takes an integer, got'),
])
def test_option_ranges(tmp_path, capsys, option, value, msg):
    code, _, err, _ = tool(
        ['cfg.py', 'img.png', '--out-dir', tmp_path, option, value], capsys)
    assert code == 2 and re.search(msg, err), err


def test_resume_and_overwrite_exclusive(tmp_path, capsys):
    code, _, err, _ = tool([
        'cfg.py', 'img.png', '--out-dir', tmp_path, '--resume', '--overwrite'
    ], capsys)
    assert code == 2 and 'not allowed with argument' in err


def test_any_file_name(model, tmp_path, capsys, monkeypatch):
    """Non-UTF-8 bytes escaped, markup inert, formulas quoted in CSV."""
    folder = tmp_path / 'imgs'
    folder.mkdir()
    names = [
        b'=HYPERLINK(1).png', b'@SUM(A1).png', b'+1.png', b'img_\xff\xfe.png',
        b'<script>alert(1)<script>.png'
    ]
    png = cv2.imencode('.png', np.full((32, 32, 3), 90, np.uint8))[1]
    for name in names:
        with open(os.path.join(os.fsencode(folder), name), 'wb') as f:
            f.write(png.tobytes())
    monkeypatch.chdir(folder)
    out = tmp_path / 'out'
    code, _, _, _ = tool(
        model + [os.fsdecode(n) for n in names] + ['--out-dir', out], capsys)
    assert code == 0
    shown = [n.decode('utf-8', 'backslashreplace') for n in names]
    assert shown[3] == 'img_\\xff\\xfe.png'
    saved = json.loads((out / 'results.json').read_bytes().decode('utf-8'))
    assert [p['input'] for p in saved['predictions']] == shown
    assert (out / saved['predictions'][3]['overlay']).is_file()
    with open(out / 'summary.csv', encoding='utf-8') as f:
        rows = list(csv.reader(f))[1:]
    assert [r[0] for r in rows] == ["'" + n for n in shown[:3]] + shown[3:]
    dom, console = open_in_browser(out / 'report.html')
    assert console == [], console
    assert '&lt;script&gt;alert(1)&lt;script&gt;.png' in dom
    assert dom.count('<script') == 2  # the page's own
    assert 'img_\\xff\\xfe.png' in dom


def test_class_sub_folders(model, tmp_path, capsys):
    root = tmp_path / 'classes'
    crack = write_images(root / 'crack', 2)
    pit = write_images(root / 'pit', 1, seed=1)
    code, _, err, _ = tool(
        model + [root, '--out-dir', tmp_path / 'o', '--no-recursive'], capsys)
    assert code == 2
    assert err == (f'error: no images in {root}: found 0 files and 2 '
                   'sub-folders with 3 images (searched the top level only: '
                   'use --recursive)\n')
    code, text, _, res = tool(model + [root, '--out-dir', root / 'report'],
                              capsys)
    assert code == 0
    assert f'searched {root} recursively' in text
    assert [p['input'] for p in res['predictions']] == crack + pit
    # the output folder inside the input folder is not an input
    code, text, _, res = tool(
        model + [root, '--out-dir', root / 'report', '--resume'], capsys)
    assert code == 0 and '0 of 3 to do' in text
    assert res['summary']['images'] == 3
    top = write_images(root, 1, seed=2)  # an image at the top: only it
    code, _, _, res = tool(model + [root, '--out-dir', tmp_path / 'o2'],
                           capsys)
    assert [p['input'] for p in res['predictions']] == top
    code, _, _, res = tool(
        model + [root, '--out-dir', tmp_path / 'o3', '--recursive'], capsys)
    assert len(res['predictions']) == 4
