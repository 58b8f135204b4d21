# Plugin-overhead benchmark (benchmarks/plugin_overhead.py), stock side:
# mmpretrain's own SimMIM Swin config (default_scope='mmpretrain', no
# defectzoo module) set to the model of configs/xray/simmim_swin.py: Swin-T,
# window 12 padded at the 6 x 6 last stage, 192 px, and its optimiser
# (AdamW, clip 5; plain OptimWrapper: AMP needs a GPU).
_base_ = 'mmpretrain::simmim/simmim_swin-base-w6_8xb256-amp-coslr-100e_in1k-192px.py'  # noqa
# ---- frequently modified parameters ----------------------------------------
arch = 'tiny'
embed_dims = 96
window_size = 12
# -----------------------------------------------------------------------------
model = dict(
    backbone=dict(
        arch=arch,
        stage_cfgs=dict(block_cfgs=dict(window_size=window_size)),
        pad_small_map=True),
    neck=dict(in_channels=embed_dims * 2**3))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=2e-4 * 1024 / 512))
