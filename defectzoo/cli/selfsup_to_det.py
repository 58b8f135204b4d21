"""Convert an mmpretrain self-supervised checkpoint (SimMIM Swin, SimSiam
ResNet) to an mmdet detector-backbone checkpoint.

Keeps ``backbone.*`` (drops ``mask_token``, SimMIM decoder/head, SimSiam
projector/predictor), maps SimMIM Swin keys to mmdet ``SwinTransformer``
keys and resizes the relative-position bias tables to the detector's window
(see ``defectzoo/utils/selfsup_to_det.py``)::

    python tools/model_converters/selfsup_to_det.py \\
        work_dirs/simmim_swin/epoch_100.pth checkpoints/simmim_det.pth \\
        --window-size 7

Use the output in a detector config as
``model.backbone.init_cfg=dict(type='Pretrained', checkpoint=OUT)`` (Swin)
or ``dict(type='Pretrained', checkpoint=OUT, prefix='backbone.')`` (ResNet).
"""
import argparse
import os
import os.path as osp

import torch

from defectzoo.utils.selfsup_to_det import convert_selfsup_to_det
from .errors import reporting_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='mmpretrain SSL checkpoint (.pth)')
    parser.add_argument('dst', help='output detector-backbone checkpoint')
    parser.add_argument(
        '--window-size',
        type=int,
        default=None,
        help='detector Swin window (e.g. 7); default keeps '
        'the SSL window')
    parser.add_argument(
        '--pretrain-img-size',
        type=int,
        default=None,
        help='detector Swin pretrain_img_size, to resize an '
        'absolute position embedding')
    return parser.parse_args(argv)


@reporting_errors
def main(argv=None):
    args = parse_args(argv)
    from mmengine.runner.checkpoint import CheckpointLoader
    ckpt = CheckpointLoader.load_checkpoint(args.src, map_location='cpu')
    out = convert_selfsup_to_det(ckpt, args.window_size,
                                 args.pretrain_img_size)
    if osp.dirname(args.dst):
        os.makedirs(osp.dirname(args.dst), exist_ok=True)
    torch.save(out, args.dst)
    meta = out['meta']
    print(f"{meta['arch']}: {len(out['state_dict'])} backbone tensors -> "
          f"{args.dst} (dropped: {', '.join(meta['dropped_prefixes']) or '-'}"
          f"; window {args.window_size or 'unchanged'})")
