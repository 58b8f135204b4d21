"""defectzoo.models.gans: GAN algorithms (generator + discriminator +
losses, with their own ``train_step``)."""
from .magna_defect_gan import MagnaDefectGAN

__all__ = ['MagnaDefectGAN']
