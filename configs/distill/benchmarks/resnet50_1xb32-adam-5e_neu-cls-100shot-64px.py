# Teacher 1 of the lightweight benchmark: ResNet-50 from random
# initialisation (no ImageNet weights offline), 5 epochs on the cut-down
# NEU-CLS of neu-cls-100shot-64px_base.py (as the student alone).
_base_ = ['./resnet18_1xb32-adam-5e_neu-cls-100shot-64px.py']
model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
