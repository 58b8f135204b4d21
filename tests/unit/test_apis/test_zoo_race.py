"""A zoo file swapped on disk after its hash check is never loaded: the
checkpoint is deserialised from the very bytes that were hashed."""
import os
import os.path as osp
import shutil
import threading

import torch

from defectzoo.utils import zoo
from defectzoo.utils.checkpoint import load_from_zoo
from defectzoo.utils.zoo import ZooError
from tests.unit.test_apis.test_zoo import NAME


def test_swapped_cache_file_is_never_loaded(tiny_zoo, monkeypatch):
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    path = zoo.fetch(NAME)
    good = torch.load(path, weights_only=True)
    pinned = {k: v.clone() for k, v in good['state_dict'].items()}
    other = dict(good, state_dict={k: v + 1 for k, v in pinned.items()})
    other_path = path + '.other'
    torch.save(other, other_path)
    good_copy = path + '.good'
    shutil.copy(path, good_copy)
    stop = threading.Event()

    def swap():  # atomic renames: the name always holds a whole file
        i = 0
        while not stop.is_set():
            src = other_path if i % 2 == 0 else good_copy
            tmp = f'{path}.tmp{i % 2}'
            shutil.copy(src, tmp)
            os.replace(tmp, path)
            i += 1

    thread = threading.Thread(target=swap, daemon=True)
    loaded = refused = 0
    thread.start()
    try:
        for _ in range(200):
            try:
                ckpt = load_from_zoo(f'zoo://{NAME}')
            except ZooError:
                refused += 1
                continue
            for k, v in ckpt['state_dict'].items():
                assert torch.equal(v, pinned[k]), 'unpinned weights loaded'
            loaded += 1
    finally:
        stop.set()
        thread.join()
    assert loaded + refused == 200
    assert loaded > 0  # some loads happen between swaps
    print(f'race: {loaded} loaded pinned weights, {refused} refused, '
          '0 loaded other weights')


def test_read_verified_names_a_changed_file(tiny_zoo, monkeypatch):
    monkeypatch.setenv(zoo.ZOO_MIRROR_ENV, tiny_zoo['release'])
    path = zoo.fetch(NAME)
    data = zoo.read_verified(NAME)
    assert zoo.hashlib.sha256(data).hexdigest() == tiny_zoo['sha']
    assert osp.isfile(path)
