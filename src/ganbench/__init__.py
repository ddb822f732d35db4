"""ganbench: train, score, profile and compare GAN variants on MNIST and Fashion-MNIST."""
