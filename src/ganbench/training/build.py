"""A GAN of a complete variant: architecture and loss from their registries, Adam optimizers, each
with a constant learning rate or, with `lr_decay`, one that decays linearly to 0 at the run's end."""
from __future__ import annotations

import keras

from ganbench.training.gan import GAN
from ganbench.training.losses import get_loss
from ganbench.training.models import get_architecture


class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """`lr` for the first `start` updates, then linearly down to 0 at update `end` (and 0 after):
    the linear decay of SNGAN's and pix2pix's recipes. A function of the optimizer's update count,
    which checkpoints keep, so a resumed run follows the same schedule."""

    def __init__(self, lr: float, start: int, end: int):
        self.lr, self.start, self.end = lr, start, end

    def __call__(self, step):
        left = (self.end - keras.ops.cast(step, "float32")) / max(self.end - self.start, 1)
        return self.lr * keras.ops.clip(left, 0.0, 1.0)

    def get_config(self) -> dict:
        return {"lr": self.lr, "start": self.start, "end": self.end}


def build_gan(variant: dict, seed: int, steps: int | None = None) -> GAN:
    """Registry lookup of architecture and loss, Adam optimizers from `g_opt` / `d_opt`, for a
    complete variant (`ganbench.config.variant`: defaults merged in). `steps`: the run's training
    steps, which a variant with `lr_decay` needs (its learning rates reach 0 at the last one)."""
    arch = get_architecture(variant["arch"])
    discriminator = arch.discriminator(variant["d_width"], variant["d_spectral_norm"], variant["d_dropout"])
    gan = GAN(arch.generator(variant["latent_dim"], variant["width"]), discriminator,
              variant["latent_dim"], seed, conditional=arch.conditional,
              d_steps=variant["d_steps"], gp_weight=variant["gp_weight"], ema_decay=variant["ema_decay"])
    decay = variant["lr_decay"]
    if decay is not None and steps is None:
        raise ValueError("a variant with lr_decay needs the run's steps")

    def adam(opt: dict, updates_per_step: int) -> keras.optimizers.Optimizer:
        lr = opt["lr"] if decay is None else \
            LinearDecay(opt["lr"], round(decay * steps) * updates_per_step, steps * updates_per_step)
        return keras.optimizers.Adam(lr, beta_1=opt["beta_1"], beta_2=opt["beta_2"])

    gan.compile(d_optimizer=adam(variant["d_opt"], variant["d_steps"]), g_optimizer=adam(variant["g_opt"], 1),
                loss_fn=get_loss(variant["loss"]))
    return gan
