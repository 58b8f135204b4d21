# Benchmark (benchmarks/xray_transfer.py), step 5: R50-FPN CPU inference
# time at the paper's 1024 x 1024 (random weights: the timing does not
# depend on them).
_base_ = '../faster-rcnn-fpn_r50-scratch_1xb2-sgd-1x_xray-512px.py'
img_scale = (1024, 1024)
test_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadXRayImage', percentiles=(0.5, 99.5), to_rgb=True),
        dict(type='mmdet.Resize', scale=img_scale, keep_ratio=True),
        dict(
            type='mmdet.PackDetInputs',
            meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                       'scale_factor')),
    ]))
