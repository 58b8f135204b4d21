"""The output folder, the streamed result log and the report rebuilt from
it, without a model: fake runs of ``benchmarks/report_scale.py``."""
import importlib.util
import json
import os
import os.path as osp
import re
import tracemalloc

import pytest

from defectzoo.apis import run_dir
from defectzoo.apis.inputs import NoImagesError, collect_inputs
from defectzoo.apis.report import csv_cell, write_outputs
from defectzoo.apis.run_dir import (OutDirError, ResultLog, check_same_run,
                                    prepare_out_dir, safe_text)
from tests.conftest import REPO_ROOT
from tests.helpers.browser import open_in_browser


def fake_run(out_dir, n):
    spec = importlib.util.spec_from_file_location(
        'report_scale', osp.join(REPO_ROOT, 'benchmarks', 'report_scale.py'))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.fake_run(str(out_dir), n)


def test_log_syncs_each_record(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(run_dir.os, 'fsync', synced.append)
    with ResultLog(str(tmp_path)) as log:
        for i in range(3):
            log.append(dict(input=f'{i}.png', verdict='OK'))
            assert len(synced) == i + 1
            assert (tmp_path / 'results.jsonl').read_text().count('\n') == \
                i + 1


def test_log_cut_by_a_kill(tmp_path):
    path = tmp_path / 'results.jsonl'
    path.write_bytes(b'{"input": "a"}\nnot json\n{"input": "b"}\n{"inp')
    with pytest.warns(UserWarning) as caught:
        log = ResultLog(str(tmp_path))
    assert [str(w.message).split(': ')[1] for w in caught] == [
        'line 2 is incomplete or no JSON (a run killed while writing it?)',
        'line 4 is incomplete or no JSON (a run killed while writing it?)'
    ]
    assert log.done == {'a', 'b'}
    log.append(dict(input='c'))
    log.close()
    assert path.read_bytes() == (b'{"input": "a"}\nnot json\n{"input": "b"}\n'
                                 b'{"input": "c"}\n')
    path.write_bytes(b'{"input": "a"}')  # complete, but no newline
    with ResultLog(str(tmp_path)) as log:
        log.append(dict(input='b'))
    assert path.read_bytes() == b'{"input": "a"}\n{"input": "b"}\n'


def test_out_dir_modes(tmp_path, monkeypatch):
    out = tmp_path / 'out'
    prepare_out_dir(str(out))  # new: made
    for name in ('results.jsonl', 'results.json.tmp', 'report.html',
                 'summary.csv.tmp', 'keep.txt', 'keep.tmp'):
        (out / name).write_text('x')
    (out / 'thumbs').mkdir()
    (out / 'thumbs' / '0.jpg').write_text('x')
    with pytest.raises(OutDirError, match='holds an earlier run'):
        prepare_out_dir(str(out))
    prepare_out_dir(str(out), resume=True)
    assert (out / 'results.jsonl').exists()
    monkeypatch.chdir(tmp_path)  # a relative folder
    prepare_out_dir('out', overwrite=True)
    assert sorted(os.listdir(out)) == ['keep.tmp', 'keep.txt']
    with pytest.raises(OutDirError, match='not both'):
        prepare_out_dir(str(out), resume=True, overwrite=True)


def test_resume_with_another_model_refused(tmp_path):
    model = dict(task='detection', weights='a.pth', score_thr=0.5)
    check_same_run(str(tmp_path), model)  # writes run.json
    check_same_run(str(tmp_path), model)
    with pytest.raises(
            OutDirError, match=r'another model \(score_thr, '
            r'weights differ\)'):
        check_same_run(str(tmp_path), dict(model, weights='b', score_thr=.3))


def test_safe_text_and_csv_cells():
    assert safe_text(os.fsdecode(b'a\xff\xfe.png')) == 'a\\xff\\xfe.png'
    assert safe_text('défaut.png') == 'défaut.png'
    assert safe_text('\ud800x') == '\\ud800x'  # not of a file name
    for bad in ('=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'):
        assert csv_cell(bad) == "'" + bad
    assert [csv_cell(v) for v in ('a=1', -0.5, 3, None)] == \
        ['a=1', -0.5, 3, None]


def test_inputs(tmp_path):
    for rel in ('a/1.png', 'a/2.jpg', 'b/c/3.PNG', '.hidden/4.png',
                'run/5.png', 'run/results.jsonl', 'notes.txt'):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text('')
    told = []
    items = collect_inputs(str(tmp_path), log=told.append)
    assert [n for n, _ in items] == [
        str(tmp_path / r) for r in ('a/1.png', 'a/2.jpg', 'b/c/3.PNG')
    ]
    assert told == [
        f'searched {tmp_path} recursively (no image at its top '
        'level): 3 image(s) in 2 folder(s)'
    ]
    assert len(collect_inputs(str(tmp_path), exclude=[tmp_path / 'a'])) == 1
    with pytest.raises(NoImagesError) as exc:
        collect_inputs(str(tmp_path), recursive=False)
    assert str(exc.value) == (
        f'no images in {tmp_path}: found 1 file (.txt) and 5 sub-folders '
        'with 5 images (searched the top level only: use --recursive)')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(NoImagesError, match='empty: found 0 files$'):
        collect_inputs(str(tmp_path / 'empty'))


def peak_writing(out_dir):
    """(results.json content, Python's peak allocation in bytes) of
    writing ``out_dir``'s outputs."""
    tracemalloc.start()
    try:
        return write_outputs(str(out_dir)), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_streams(tmp_path):
    """Python's peak allocation while writing the outputs does not grow
    with the number of images: rows are streamed, not gathered."""
    fake_run(tmp_path / 'small', 100)
    fake_run(tmp_path, 1000)
    small = peak_writing(tmp_path / 'small')[1]
    res, peak = peak_writing(tmp_path)
    assert peak < small + 64 * 1024
    assert res['predictions'] == [] and len(res['skipped']) == 5
    assert res['summary']['predicted'] == 995
    saved = json.load(open(tmp_path / 'results.json'))
    assert len(saved['predictions']) == 995
    assert saved['summary'] == res['summary']
    data = (tmp_path / 'report_data.js').read_text()
    assert data.startswith('window.REPORT_DATA=') and data.endswith('};\n')
    data = json.loads(data[len('window.REPORT_DATA='):-2])
    assert len(data['rows']) == 995 and len(data['skipped']) == 5
    assert all(len(r) == len(data['cols']) for r in data['rows'])
    assert os.path.getsize(tmp_path / 'report.html') < 20_000


def test_pages_filters_and_sort_over_all_images(tmp_path):
    """In a real browser: one page of rows at a time; the filter, the sort
    and the page number (also from the address) cover all images."""
    fake_run(tmp_path, 300)
    write_outputs(str(tmp_path))
    data = (tmp_path / 'report_data.js').read_text()
    data = json.loads(data[len('window.REPORT_DATA='):-2])
    c = {k: i for i, k in enumerate(data['cols'])}
    ok = sorted(r[c['name']] for r in data['rows'] if r[c['verdict']] == 'OK')
    ood = sum(r[c['ood_flag']] for r in data['rows'])
    assert 100 < len(ok) < 299 and 0 < ood < 50
    report = tmp_path / 'report.html'

    def rows(fragment=''):
        dom, console = open_in_browser(report, fragment)
        assert console == [], console
        names = re.findall(r'<td class="name">([^<]*)</td>', dom)
        return dom, names

    dom, names = rows()
    assert len(names) == 50 + 1 and '<span id="shown">299</span>' in dom
    scores = [float(s) for s in re.findall(r'<td>([01]\.\d{3})</td>', dom)]
    assert scores == sorted(scores, reverse=True)
    assert 'page 1 of 6' in dom and 'id="nskipped">1<' in dom
    dom, names = rows('filter=OK&sort=name&page=2')
    assert f'<span id="shown">{len(ok)}</span>' in dom
    assert names[:-1] == ok[50:100]  # the 2nd page of all OK images
    dom, names = rows('filter=ood')
    assert f'<span id="shown">{ood}</span>' in dom
    assert dom.count('<span class="ood">OOD</span>') == ood
    dom, names = rows('size=250&page=2')
    assert len(names) == 49 + 1 and 'page 2 of 2' in dom
