"""defectzoo.models.discriminators: GAN discriminators."""
from .patch_discriminator import (ConditionalPatchDiscriminator,
                                  conv_receptive_field)

__all__ = ['ConditionalPatchDiscriminator', 'conv_receptive_field']
