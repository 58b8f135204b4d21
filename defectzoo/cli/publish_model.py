"""Publish a checkpoint the OpenMMLab way (port of mmpretrain's
``tools/model_converters/publish_model.py``).

Drops the training state (optimizer, schedulers, message hub, hook
messages, random states) and whatever names the run rather than the model
(timestamps, the experiment name, the config text with its paths), keeps
``state_dict`` and ``meta`` (epoch / iteration, seed, the dataset meta and,
when fitted, the OOD statistics), and names the file
``<out_file>_<yyyymmdd>-<sha256[:8]>.pth``. The same checkpoint and date give
the same bytes on any machine. ``--fp16`` stores floating-point weights in
half precision (about half the size; they load into fp32 models)::

    python tools/misc/publish_model.py work_dirs/x/epoch_6.pth release/NAME.pth

Prints the published file, its size and full sha256 (``--json`` as JSON),
which go into ``model_zoo.md`` and the metafile (``Weights SHA256``).
"""
import argparse
import datetime
import json
import os
import os.path as osp
import sys

import torch

from defectzoo.utils.checkpoint import load_from_local
from defectzoo.utils.zoo import sha256sum
from .errors import reporting_errors

DROPPED = ('optimizer', 'param_schedulers', 'hook_msgs', 'message_hub',
           'random_states', 'ema_state_dict')
# meta kept in a published file: what describes the model, not the run
KEPT_META = ('epoch', 'iter', 'seed', 'dataset_meta', 'ood')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Process a checkpoint to be published')
    parser.add_argument('in_file', help='input checkpoint filename')
    parser.add_argument('out_file', help='output checkpoint filename')
    parser.add_argument('--date', help='yyyymmdd (default: today, UTC)')
    parser.add_argument(
        '--fp16',
        action='store_true',
        help='store floating-point weights in half precision')
    parser.add_argument(
        '--json',
        action='store_true',
        help='print file, size and sha256 as JSON')
    return parser.parse_args(argv)


def process_checkpoint(in_file: str,
                       out_file: str,
                       date: str = None,
                       fp16: bool = False) -> dict:
    """Write the published file; return ``dict(file, size, sha256)``."""
    checkpoint = load_from_local(in_file, 'cpu')
    for key in DROPPED:
        checkpoint.pop(key, None)
    if 'state_dict' not in checkpoint:  # a bare state dict
        checkpoint = dict(state_dict=checkpoint)
    meta = checkpoint.setdefault('meta', {})
    checkpoint['meta'] = meta = {k: meta[k] for k in KEPT_META if k in meta}
    if fp16:
        checkpoint['state_dict'] = {
            k: v.half() if torch.is_tensor(v) and v.is_floating_point() else v
            for k, v in checkpoint['state_dict'].items()
        }
    if not meta.get('dataset_meta'):
        print(
            f'warning: {in_file} has no dataset_meta (class names)',
            file=sys.stderr)
    out_dir = osp.dirname(osp.abspath(out_file))
    if not osp.isdir(out_dir):
        raise SystemExit(f'Directory {out_dir} does not exist, please '
                         'create it first.')
    stem = out_file[:-4] if out_file.endswith('.pth') else out_file
    tmp = f'{stem}.tmp.pth'
    torch.save(checkpoint, tmp)
    sha = sha256sum(tmp)
    date = date or datetime.datetime.now(
        datetime.timezone.utc).strftime('%Y%m%d')
    final = f'{stem}_{date}-{sha[:8]}.pth'
    os.replace(tmp, final)
    return dict(file=final, size=osp.getsize(final), sha256=sha)


@reporting_errors
def run(argv=None):
    args = parse_args(argv)
    info = process_checkpoint(args.in_file, args.out_file, args.date,
                              args.fp16)
    if args.json:
        print(json.dumps(info))
    else:
        print(f'Successfully generated the publish-ckpt as {info["file"]} '
              f'({info["size"]} bytes, sha256 {info["sha256"]}).')
    return info


def main(argv=None) -> None:
    """The command line: :func:`run`, whose results a console script
    would take for an exit status, dropped."""
    run(argv)
