# pix2pix-style baseline of the benchmark: the same cut-down network and
# budget, mask only (no noise, no guide, no style loss).
_base_ = ['./magna-defect-gan_w8_1xb8-250i_mt-128px.py']
model = dict(
    generator=dict(noise_dim=0, guide_dims=()),
    discriminator=dict(guide_dims=()),
    style_loss=None)
