"""Trained toy models shared by the integration tests of a session."""
import pytest

from defectzoo.cli import train as train_cli
from tests.conftest import tiny_simmim_config, tiny_simsiam_config
from tests.helpers.in_process import run_main

#: the self-supervised toy models on the tiny synthetic X-ray set
SSL_CONFIGS = dict(simmim=tiny_simmim_config, simsiam=tiny_simsiam_config)


@pytest.fixture(scope='session')
def trained_ssl(tmp_path_factory, xray_root):
    """``trained_ssl(kind)``: ``(config, work dir)`` of the tiny SimMIM Swin
    (``'simmim'``) or SimSiam ResNet-18 (``'simsiam'``) trained by
    ``tools/train.py`` as configured (2 epochs, 8 iterations, a checkpoint
    per epoch; seed 0, so the same weights whoever asks first). Each kind
    trains once per session, when first asked for; its files are shared:
    write nothing into the work dir."""
    trained = {}

    def get(kind):
        if kind not in trained:
            root = tmp_path_factory.mktemp(f'trained_{kind}')
            cfg = SSL_CONFIGS[kind](root, xray_root)
            work_dir = root / 'work'
            run_main(train_cli, [cfg, '--work-dir', work_dir])
            trained[kind] = (cfg, work_dir)
        return trained[kind]

    return get
