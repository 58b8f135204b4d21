# SCL + ArcMargin (Phuong et al. 2024): ResNet-50 -> GAP -> projection MLP
# -> z (d = 128); L = 0.75 L_con (3-view NT-Xent, tau 0.5)
#                  + 0.25 L_arc (ArcFace, m 0.5, s 30) on z;
# prediction by mean cosine similarity to a reference gallery.
embed_dims = 128
model = dict(
    type='SCLArcMarginClassifier',
    data_preprocessor=dict(
        type='mmpretrain.SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='mmpretrain.ResNet', depth=50),
    neck=dict(
        type='mmpretrain.NonLinearNeck',
        in_channels=2048,
        hid_channels=2048,
        out_channels=embed_dims,
        num_layers=2,
        with_avg_pool=True),
    head=dict(
        type='mmpretrain.ArcFaceClsHead',
        num_classes=6,  # NEU; set head.num_classes
        in_channels=embed_dims,
        margins=0.5,
        scale=30.0,
        loss=dict(type='mmpretrain.CrossEntropyLoss', loss_weight=0.25)),
    con_loss=dict(
        type='SelfContrastiveLoss',
        temperature=0.5,
        symmetric=False,
        loss_weight=0.75),
    classifier='gallery')
