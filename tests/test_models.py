"""Registry smoke tests: every architecture builds at tiny width and has the contract's shapes."""
import numpy as np
import pytest

from ganbench.models import ARCHITECTURES, get_architecture


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_generator_and_discriminator_shapes(name):
    arch = get_architecture(name)
    generator, discriminator = arch.generator(8, 0.125), arch.discriminator(0.125)
    images = generator(np.zeros((3, 8), np.float32))
    assert images.shape == (3, 28, 28, 1)
    assert np.all(np.abs(np.asarray(images)) <= 1)  # tanh output: the data range [-1, 1]
    assert discriminator(images).shape == (3, 1)


def test_width_scales_parameter_count():
    arch = get_architecture("dcgan")
    assert arch.generator(100, 0.5).count_params() < arch.generator(100, 1.0).count_params()


def test_unknown_architecture_lists_known_ones():
    with pytest.raises(KeyError, match="dcgan"):
        get_architecture("transformer")
