# The distilled student of the lightweight benchmark: ResNet-18 taught by
# the ensemble (mean of softened probabilities) of the ResNet-50 and
# VGG19-BN teachers, with the same data, epochs and optimiser as the student
# alone (ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py). The checkpoint is
# a plain ResNet-18 checkpoint: test, quantise and export it with that
# config. The teachers' checkpoints are where benchmarks/lightweight.py
# trains them.
_base_ = ['./ce_r18_1xb32-adam-6e_neu-cls-100shot-64px.py']
# ---- frequently modified parameters ----------------------------------------
alpha = 1.0  # weight of the KD term (the paper's best); 1-alpha: CE
temperature = 4.0
work_root = 'work_dirs/lightweight/'
teacher_configs = [
    'configs/distill/benchmarks/ce_r50_1xb32-adam-5e_neu-cls-100shot-64px.py',
    'configs/distill/benchmarks/ce_vgg19bn_1xb32-adam-4e_neu-cls-100shot-64px.py',
]
teacher_checkpoints = [
    work_root + 'ce_r50_1xb32-adam-5e_neu-cls-100shot-64px/epoch_5.pth',
    work_root + 'ce_vgg19bn_1xb32-adam-4e_neu-cls-100shot-64px/epoch_4.pth',
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
