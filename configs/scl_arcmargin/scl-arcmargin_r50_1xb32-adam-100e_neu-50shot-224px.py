# SCL + ArcMargin, NEU small data, 50 images per class (see the 20-shot
# config; the paper: 99.72 %, mean of 10 runs).
_base_ = ['./scl-arcmargin_r50_1xb32-adam-100e_neu-20shot-224px.py']
k_per_class = 50
train_dataloader = dict(dataset=dict(k=k_per_class))
gallery_dataloader = dict(dataset=dict(k=k_per_class))
