# Faster R-CNN Swin-T-FPN (window 7, mmdet SwinTransformer) for X-ray
# defects; FPN in_channels [96, 192, 384, 768]. Built in mmdet's scope.
_base_ = ['./faster-rcnn_r50_fpn_xray.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='SwinTransformer',
        embed_dims=96,
        depths=[2, 2, 6, 2],
        num_heads=[3, 6, 12, 24],
        window_size=7,
        mlp_ratio=4,
        qkv_bias=True,
        qk_scale=None,
        drop_rate=0.,
        attn_drop_rate=0.,
        drop_path_rate=0.2,
        patch_norm=True,
        out_indices=(0, 1, 2, 3),
        with_cp=False,
        # True only for checkpoints of the original Swin repository
        convert_weights=False),
    neck=dict(in_channels=[96, 192, 384, 768]))
