"""Training GANs: the architecture registry (`models/`), the losses, the GAN as a `keras.Model`, the
training loop with its Keras callbacks, the fixed evaluation latents, sample pictures, and the
compute profile of a variant (FLOPs, latency).

Layer 3: imports the foundation, `ganbench.data` and `ganbench.evaluation` (the quality log scores
FID during training), never reporting or the pipeline. Whatever `loop` imports reruns every trained
generator when edited, so modules in its import closure hold only what training uses.
"""
