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


def limit_threads(threads: int) -> None:
    """TensorFlow with ``threads`` threads within and across ops (one process per core, e.g.
    on Dask workers). Only effective before TensorFlow runs its first op; later it is a no-op."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # the runtime already started: its pools cannot change any more
        return
