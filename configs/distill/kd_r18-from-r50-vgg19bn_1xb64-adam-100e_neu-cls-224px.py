# Knowledge distillation (Sampath et al., ICECET 2022): a ResNet-18 student
# learns the mean softened probabilities of an ensemble of frozen teachers,
#   L = alpha * T^2 * KL(P_s^T || P_t^T) + (1 - alpha) * CE(P_s, y),
# alpha = 1 (the paper's best), T = 4 (not given in the paper).
# Train the teachers first (their configs and work dirs below), then
#   python tools/train.py configs/distill/kd_r18-from-r50-vgg19bn_1xb64-adam-100e_neu-cls-224px.py
# The checkpoint holds only the student: test / quantise / export it with
# configs/distill/ce_r18_1xb64-adam-100e_neu-cls-224px.py.
_base_ = ['./ce_r18_1xb64-adam-100e_neu-cls-224px.py']
# ---- frequently modified parameters ----------------------------------------
alpha = 1.0
temperature = 4.0
teacher_configs = [
    'configs/distill/ce_r50_1xb64-adam-100e_neu-cls-224px.py',
    'configs/distill/ce_vgg19bn_1xb64-adam-100e_neu-cls-224px.py',
]
teacher_checkpoints = [
    'work_dirs/ce_r50_1xb64-adam-100e_neu-cls-224px/epoch_100.pth',
    'work_dirs/ce_vgg19bn_1xb64-adam-100e_neu-cls-224px/epoch_100.pth',
]
# -----------------------------------------------------------------------------
model = dict(
    type='KDImageClassifier',
    teachers=[
        dict(config=c, checkpoint=k)
        for c, k in zip(teacher_configs, teacher_checkpoints)
    ],
    distill_loss=dict(type='DistillKLDivLoss', temperature=temperature),
    alpha=alpha)
