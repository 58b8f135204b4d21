"""``--tta``: test-time augmentation from the config, else flip TTA."""
from copy import deepcopy

from mmengine.config import Config, ConfigDict


def apply_tta(cfg: Config) -> None:
    """Wrap the model in the config's TTA model and test with its pipeline
    (as mmdet's / mmpretrain's ``tools/test.py --tta`` do)."""
    pipeline = cfg.test_dataloader.dataset.pipeline
    is_det = 'DetInputs' in str(pipeline[-1]['type'])
    if 'tta_model' not in cfg:
        cfg.tta_model = dict(
            type='mmdet.DetTTAModel',
            tta_cfg=dict(
                nms=dict(type='nms', iou_threshold=0.5),
                max_per_img=100)) if is_det else dict(
                    type='mmpretrain.AverageClsScoreTTA')
    if 'tta_pipeline' not in cfg:
        pack = deepcopy(pipeline[-1])
        if is_det:
            pack['meta_keys'] = tuple(
                pack.get('meta_keys',
                         ('img_id', 'img_path', 'ori_shape', 'img_shape',
                          'scale_factor'))) + ('flip', 'flip_direction')
        flip = 'mmdet.RandomFlip' if is_det else 'mmpretrain.RandomFlip'
        cfg.tta_pipeline = list(pipeline[:-1]) + [
            dict(
                type='TestTimeAug',
                # the unflipped view first: merged predictions keep its
                # data sample (and ground truth)
                transforms=[[
                    dict(type=flip, prob=0.),
                    dict(type=flip, prob=1.)
                ], [pack]])
        ]
    if 'data_preprocessor' in cfg.model:
        # the Runner gives a top-level ``data_preprocessor`` to the outer
        # model: the wrapped model's own one must win, as it does untested
        cfg.data_preprocessor = deepcopy(cfg.model.data_preprocessor)
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
