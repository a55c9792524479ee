"""A page's training state: the lesson's network after N epochs with the setup saved in it.

Training is deterministic (the setup's seed draws the data, splits it and orders the
batches), so "after 50 epochs" is the same network for every learner, the lesson check and
the handout. The setup's own stop conditions are the learner's business, not the page's:
a page trains exactly its epochs.
"""
from __future__ import annotations

import numpy as np

from core.engine.network import Network
from core.lesson.model import Lesson
from core.plugin_host.registry import Registry, RegistryError
from core.training.data import DatasetError
from core.training.runner import SetupRun
from core.training.trainer import TrainingDiverged


class LessonTrainingError(ValueError):
    """A training state that cannot be computed, with the reason."""


def trained_network(lesson: Lesson, epochs: int, registry: Registry) -> Network:
    """A copy of ``lesson``'s network trained ``epochs`` epochs with its saved setup."""
    setup = lesson.network_extras.get("setup")
    if setup is None:
        raise LessonTrainingError("a page 'after N epochs' needs the training setup saved with the lesson's network")
    network = lesson.network.copy()
    try:
        with np.errstate(all="ignore"):  # a divergence is reported by the trainer, naming the layer
            SetupRun(network, setup, registry, epochs=epochs).trainer.run()
    except (DatasetError, RegistryError, TrainingDiverged, ValueError) as exc:
        raise LessonTrainingError(f"the network after {epochs} epochs cannot be computed: {exc}") from None
    return network
