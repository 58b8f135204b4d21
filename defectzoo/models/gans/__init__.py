"""defectzoo.models.gans: GAN algorithms with their parts -- the
conditional generator, the PatchGAN discriminator, the Gram-matrix style
loss, the data preprocessor of (image, mask, guide) pairs and the GAN that
trains them (losses, its own ``train_step``)."""
from .gan_data_preprocessor import DefectPairDataPreprocessor
from .gram_style_loss import GramStyleLoss, gram_matrix
from .magna_defect_gan import MagnaDefectGAN
from .magna_defect_generator import MagnaDefectGenerator, encode_guide
from .patch_discriminator import (ConditionalPatchDiscriminator,
                                  conv_receptive_field)

__all__ = [
    'ConditionalPatchDiscriminator', 'DefectPairDataPreprocessor',
    'GramStyleLoss', 'MagnaDefectGAN', 'MagnaDefectGenerator',
    'conv_receptive_field', 'encode_guide', 'gram_matrix'
]
