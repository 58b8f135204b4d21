# Teacher 1 of the lightweight benchmark: ResNet-50 from random
# initialisation (no ImageNet weights offline), 5 epochs on the cut-down
# NEU-CLS of _base_/neu-cls-100shot-64px.py.
_base_ = ['./ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py']
# ---- frequently modified parameters ----------------------------------------
max_epochs = 5
# -----------------------------------------------------------------------------
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
param_scheduler = dict(T_max=max_epochs)
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
