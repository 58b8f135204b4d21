# NEU-CLS small-data protocol: k training images per class (10 / 20 / 50),
# chosen with a seed (nested: the k=10 images are among the k=20 ones);
# val / test are the full NEU-CLS splits.
_base_ = ['./neu_cls.py']
# ---- frequently modified parameters ----------------------------------------
k_per_class = 10  # 10 / 20 / 50
subset_seed = 0  # repeat with seeds 0, 1, 2
batch_size = 16
# -----------------------------------------------------------------------------
train_dataloader = dict(
    batch_size=batch_size,
    dataset=dict(
        _delete_=True,
        type='KPerClassSubset',
        k=k_per_class,
        seed=subset_seed,
        dataset=_base_.train_dataset))
