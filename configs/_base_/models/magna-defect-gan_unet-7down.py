# Magna-Defect-GAN (Sensors 2023): mask + noise (132-d) + guide conditioned
# U-Net generator, 16x16 PatchGAN conditioned on mask and guide, losses
# 0.1 * adversarial + 10 * pixel L2 + 0.1 * Gram style (4 layers x 1/4).
# ---- frequently modified parameters ----------------------------------------
img_size = 256  # 128 / 256 / 512 (a multiple of 128)
guide_dims = (5, 3, 3)  # defect type, brightness bin, texture bin
style_ckpt = None  # checkpoint of the style network, e.g. a
# defectzoo-trained ResNet-18 classifier
# (keys 'backbone.*'); None: random weights
# -----------------------------------------------------------------------------
style_net = dict(
    type='mmpretrain.ResNet',
    depth=18,
    out_indices=(0, 1, 2, 3),
    init_cfg=dict(
        type='Pretrained', checkpoint=style_ckpt, prefix='backbone.')
    if style_ckpt else None)
model = dict(
    type='MagnaDefectGAN',
    data_preprocessor=dict(type='DefectPairDataPreprocessor'),
    generator=dict(
        type='MagnaDefectGenerator',
        img_size=img_size,
        out_channels=1,
        noise_dim=132,
        embed_dim=32,
        guide_dims=guide_dims,
        num_downs=7,
        base_channels=64,
        max_channels=512,
        norm_cfg=dict(type='BN')),
    discriminator=dict(
        type='ConditionalPatchDiscriminator',
        in_channels=1,
        mask_channels=1,
        guide_dims=guide_dims,
        base_channels=64,
        num_layers=1,  # receptive field 16 x 16
        norm_cfg=dict(type='BN')),
    style_loss=dict(
        type='GramStyleLoss',
        feature_net=style_net,
        layer_weights=(0.25, 0.25, 0.25, 0.25),
        in_channels=3,
        loss_weight=0.1),
    adv_loss_type='vanilla',
    adv_weight=0.1,
    pixel_weight=10.0)
