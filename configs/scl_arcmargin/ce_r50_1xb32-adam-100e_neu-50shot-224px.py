# Cross-entropy ResNet-50 baseline, NEU small data, 50 images per class
# (the paper: 99.06 %, mean of 10 runs).
_base_ = ['./ce_r50_1xb32-adam-100e_neu-20shot-224px.py']
k_per_class = 50
train_dataloader = dict(dataset=dict(k=k_per_class))
