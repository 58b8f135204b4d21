# Benchmark (benchmarks/xray_transfer.py), step 3: the same detector and
# budget as ./faster-rcnn-fpn_r18-scratch_1xb4-sgd-30e_xray-synthetic-512px.py
# with the backbone initialised from the step-1 SimSiam ResNet-18 (converted
# by tools/model_converters/selfsup_to_det.py; the benchmark passes its path
# as model.backbone.init_cfg.checkpoint).
_base_ = './faster-rcnn-fpn_r18-scratch_1xb4-sgd-30e_xray-synthetic-512px.py'
# ---- frequently modified parameters ----------------------------------------
init_checkpoint = 'work_dirs/bench_xray_transfer/simsiam_r18_det.pth'
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint=init_checkpoint,
            prefix='backbone.',
            _delete_=True)))
