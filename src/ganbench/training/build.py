"""A GAN of a complete variant: architecture and loss from their registries, Adam optimizers."""
from __future__ import annotations

import keras

from ganbench.training.gan import GAN
from ganbench.training.losses import get_loss
from ganbench.training.models import get_architecture


def build_gan(variant: dict, seed: int) -> GAN:
    """Registry lookup of architecture and loss, Adam optimizers from `g_opt` / `d_opt`, for a
    complete variant (`ganbench.config.variant`: defaults merged in)."""
    arch = get_architecture(variant["arch"])
    discriminator = arch.discriminator(variant["d_width"], variant["d_spectral_norm"], variant["d_dropout"])
    gan = GAN(arch.generator(variant["latent_dim"], variant["width"]), discriminator,
              variant["latent_dim"], seed, conditional=arch.conditional,
              d_steps=variant["d_steps"], gp_weight=variant["gp_weight"], ema_decay=variant["ema_decay"])

    def adam(opt: dict) -> keras.optimizers.Optimizer:
        return keras.optimizers.Adam(opt["lr"], beta_1=opt["beta_1"], beta_2=opt["beta_2"])

    gan.compile(d_optimizer=adam(variant["d_opt"]), g_optimizer=adam(variant["g_opt"]),
                loss_fn=get_loss(variant["loss"]))
    return gan
