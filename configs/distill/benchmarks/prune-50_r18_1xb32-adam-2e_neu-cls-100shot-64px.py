# The pruned student of the lightweight benchmark: the ResNet-18 (trained
# alone, ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py) with 50 % of the
# channels of every convolution removed (L2 magnitude,
# dependency-aware, torch-pruning; the head keeps its 6 outputs), then
# fine-tuned for 2 epochs with cross-entropy on the same data.
# Testing this config with the pruned checkpoint reshapes the model first.
_base_ = ['./ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py']
# ---- frequently modified parameters ----------------------------------------
sparsity = 0.5
max_epochs = 2
lr = 5e-4
load_from = ('work_dirs/lightweight/'
             'ce_r18_1xb32-adam-6e_neu-cls-100shot-64px/epoch_6.pth')
# -----------------------------------------------------------------------------
custom_hooks = [
    dict(type='RandomStateHook'),
    dict(type='CheckFiniteHook'),
    dict(type='CheckpointFitHook'),
    dict(type='ChannelPruningHook', sparsity=sparsity, input_size=(64, 64)),
]
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = dict(T_max=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
