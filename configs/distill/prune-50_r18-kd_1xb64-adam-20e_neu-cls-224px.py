# Structured pruning of the distilled student: half of the channels of
# every convolution removed by L2 magnitude (torch-pruning, dependency-
# aware: residual stages keep consistent channels; the head keeps its
# classes), then 20 epochs of fine-tuning. The thesis names pruning without
# details; this is our decision (spec: lightweight-xai.md).
#   python tools/train.py configs/distill/prune-50_r18-kd_1xb64-adam-20e_neu-cls-224px.py
#   python tools/test.py  <this config> work_dirs/<this config>/epoch_20.pth
# (testing with this config reshapes the model to the pruned checkpoint).
_base_ = ['./ce_r18_1xb64-adam-100e_neu-cls-224px.py']
# ---- frequently modified parameters ----------------------------------------
sparsity = 0.5
max_epochs = 20
lr = 1e-4
load_from = ('work_dirs/kd_r18-from-r50-vgg19bn_1xb64-adam-100e_neu-cls-'
             '224px/epoch_100.pth')
# -----------------------------------------------------------------------------
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ChannelPruningHook', sparsity=sparsity, input_size=(224, 224)),
]
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = dict(T_max=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
