"""defectzoo.models.gans: GAN algorithms with their parts -- the
conditional generator, the PatchGAN discriminator and the GAN that trains
them (losses, its own ``train_step``)."""
from .magna_defect_gan import MagnaDefectGAN
from .magna_defect_generator import MagnaDefectGenerator, encode_guide
from .patch_discriminator import (ConditionalPatchDiscriminator,
                                  conv_receptive_field)

__all__ = [
    'ConditionalPatchDiscriminator', 'MagnaDefectGAN', 'MagnaDefectGenerator',
    'conv_receptive_field', 'encode_guide'
]
