# SimMIM pretraining of Swin-T (window 12) on unlabelled X-ray images
# (Intxausti et al. 2024). Entry point: configs/xray/simmim_swin.py.
_base_ = [
    '../_base_/datasets/xray_simmim_192px.py',
    '../_base_/schedules/simmim_adamw_coslr_100e.py',
    '../_base_/default_runtime.py',
]
arch = 'tiny'  # 'base' gives the paper's 1024-d feature
embed_dims = 96  # tiny 96, base 128
window_size = 12  # as in the paper

# SimMIM = masked Swin encoder + one-layer linear decoder (1x1 conv + pixel
# shuffle) + L1 loss on the masked pixels only, all from mmpretrain;
# SimMIMWithEval adds the held-out loss used by tools/test.py.
model = dict(
    type='SimMIMWithEval',
    backbone=dict(
        type='mmpretrain.SimMIMSwinTransformer',
        arch=arch,
        img_size={{_base_.img_size}},
        stage_cfgs=dict(block_cfgs=dict(window_size=window_size)),
        # at 192 px the last stage is 6x6 < window 12: pad it to the window
        pad_small_map=True),
    neck=dict(
        type='mmpretrain.SimMIMLinearDecoder',
        in_channels=embed_dims * 2**3,
        encoder_stride=32),
    head=dict(
        type='mmpretrain.SimMIMHead',
        patch_size=4,
        loss=dict(
            type='mmpretrain.PixelReconstructionLoss',
            criterion='L1',
            channel=3)))

# keep the latest 3 checkpoints, one every 10 epochs
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=3))
