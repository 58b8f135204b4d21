# Plugin-overhead benchmark (benchmarks/plugin_overhead.py), defectzoo side:
# our SimMIM Swin-T entry point, unchanged. Its twin
# simmim_swin-tiny-w12_overhead-mmpretrain_xray-192px.py is mmpretrain's own
# SimMIM config set to the same model; the benchmark feeds both the same
# batch through the Runner's model.train_step.
_base_ = '../simmim_swin.py'
