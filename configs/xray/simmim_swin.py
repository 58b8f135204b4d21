# Entry point: SimMIM Swin-T (window 12) X-ray pretraining.
#   python tools/train.py configs/xray/simmim_swin.py
# Swin-B: configs/xray/simmim_swin-b-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py
_base_ = './simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_xray-192px.py'
# shown on machines without a GPU (ProgressHook, with the run's estimated
# wall time): the CPU smoke run of docs/get_started.md
cpu_alternative = (
    'python tools/train.py configs/xray/simmim_swin.py '
    '--work-dir work_dirs/simmim_smoke --cfg-options train_cfg.max_epochs=2 '
    'train_dataloader.batch_size=4 train_dataloader.num_workers=2 '
    'train_dataloader.dataset.data_root=data/synthetic_xray_smoke '
    'train_dataloader.dataset.synthetic.num_unlabelled=96 '
    'param_scheduler.0.end=1 default_hooks.checkpoint.interval=1 '
    'default_hooks.logger.interval=4')
