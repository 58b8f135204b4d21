# Plugin-overhead benchmark (benchmarks/plugin_overhead.py), defectzoo side:
# our SimMIM Swin-T entry point, unchanged. Its twin
# simmim_swin-t-p4-w12_8xb128-adamw-coslr-100e_xray-overhead-mmpretrain-192px.py is mmpretrain's own
# SimMIM config set to the same model; the benchmark feeds both the same
# batch through the Runner's model.train_step.
_base_ = '../simmim_swin.py'
