# Scheme (e'): originals + synthetic defects (tools/misc/sample_defects.py)
# mixed in one training set; the test split stays real-only. The synthetic
# share is set by repeating either part (RepeatDataset ``times``).
# ---- frequently modified parameters ----------------------------------------
synthetic_root = 'work_dirs/magna_defect_gan/synthetic/'  # sampler --out
synthetic_times = 1  # repeats of the synthetic set per epoch
# -----------------------------------------------------------------------------
_base_ = ['./ce_r18-w16_1xb32-adam-10e_magnetic-tile-binary-64px.py']
synthetic = dict(
    type='RepeatDataset',
    times=synthetic_times,
    dataset=dict(
        type='ImageFolderClsDataset',
        data_root=synthetic_root,
        data_prefix='',
        ann_file='labels_binary.txt',
        metainfo=dict(classes=('free', 'defect')),
        pipeline={{_base_.train_pipeline}}))
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[{{_base_.real_train}}, synthetic]))
