# defectzoo runtime defaults (mmengine Runner).
# Modules are looked up in defectzoo's registries first; other libraries'
# modules are reached by prefix (mmdet., mmpretrain., mmseg.).
default_scope = 'defectzoo'
custom_imports = dict(imports=['defectzoo'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# RandomStateHook: mmengine does not save the torch / numpy / python RNG
# states in checkpoints: the hook does, and restores them on --resume, so
# that a resumed run with dropout, drop-path or random masks draws the same
# numbers as the uninterrupted run (single process; see its docstring).
# CheckFiniteHook: stops the run at the first NaN / Inf loss term or weight,
# before it is saved (so max_keep_ckpts never rotates away the last finite
# checkpoint). CheckpointFitHook: refuses a checkpoint that does not fit the
# model when resuming or testing.
# A config that sets custom_hooks replaces this list: keep these entries.
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # tools/train.py switches to gloo on machines without a GPU.
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_processor = dict(window_size=10, by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
