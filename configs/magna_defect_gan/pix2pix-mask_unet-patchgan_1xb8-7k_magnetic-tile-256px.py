# pix2pix-style baseline from the same code: mask only -- no noise z, no
# guide vector, no style loss (adversarial + 10 x pixel L2, 16x16 PatchGAN
# conditioned on the mask).
_base_ = ['./magna-defect-gan_unet-patchgan_1xb8-7k_magnetic-tile-256px.py']
model = dict(
    generator=dict(noise_dim=0, guide_dims=()),
    discriminator=dict(guide_dims=()),
    style_loss=None)
