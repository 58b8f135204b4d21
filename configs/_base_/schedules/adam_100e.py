# SCL + ArcMargin schedule (Table I): Adam, lr 5e-4, 100 epochs. The paper
# gives no weight decay or lr schedule: none and a constant lr here.
max_epochs = 100
lr = 5e-4
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=lr, weight_decay=0.0))
param_scheduler = []  # constant lr
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
