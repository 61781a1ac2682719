"""Reproducible runs: one seed for Python, NumPy, TensorFlow and Keras, deterministic TF ops."""

from __future__ import annotations

import keras
import tensorflow as tf


def seed_everything(seed: int) -> None:
    """Seed every random generator Keras uses and make TensorFlow ops deterministic.

    Op determinism is process-wide and stays on; it makes the same seed give the same weights
    and predictions, at some cost in speed on GPUs.
    """
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
