"""A page's training state: the lesson's network after N epochs with the setup saved in it.

Training is deterministic (the setup's seed draws the data, splits it and orders the
batches), so "after 50 epochs" is the same network for every learner, the lesson check and
the handout. The setup's own stop conditions are the learner's business, not the page's:
a page trains exactly its epochs.
"""
from __future__ import annotations

import math

import numpy as np

from core.engine.network import Network
from core.lesson.model import Lesson
from core.plugin_host import guard
from core.plugin_host.registry import Registry, RegistryError
from core.plugin_host.validation import PLUGIN_ERRORS
from core.training.data import DatasetError
from core.training.runner import SetupRun
from core.training.trainer import TrainingDiverged

MAX_PAGE_STEPS = 200_000  # optimizer steps a page's training state may take (a few seconds on a small net)
PAGE_TIME_LIMIT = 30.0  # seconds: a page that trains longer (or a plugin that hangs in it) is given up on


class LessonTrainingError(ValueError):
    """A training state that cannot be computed, with the reason."""


def trained_network(lesson: Lesson, epochs: int, registry: Registry) -> Network:
    """A copy of ``lesson``'s network trained ``epochs`` epochs with its saved setup."""
    setup = lesson.network_extras.get("setup")
    if setup is None:
        raise LessonTrainingError("a page 'after N epochs' needs the training setup saved with the lesson's network")
    network = lesson.network.copy()

    def train() -> None:  # the data, g, the loss and the optimizer: plugin code, in the guard's thread
        with np.errstate(all="ignore"):  # a divergence is reported by the trainer, naming the layer
            run = SetupRun(network, setup, registry, epochs=epochs)
            steps = epochs * math.ceil(len(run.train) / setup.batch_size)  # batches per epoch, all epochs
            if steps > MAX_PAGE_STEPS:
                raise LessonTrainingError(
                    f"the network after {epochs} epochs would take {steps:,} training steps to compute "
                    f"(at most {MAX_PAGE_STEPS:,} for a page: fewer epochs, fewer samples or larger batches)")
            run.trainer.run()  # exactly its epochs: the setup's stop conditions are the learner's business

    try:
        guard.call_with_time_limit(train, limit=guard.time_limit(PAGE_TIME_LIMIT),
                                   what=f"training {epochs} epochs for the page")
    except LessonTrainingError:
        raise
    except (DatasetError, RegistryError, TrainingDiverged, ValueError) as exc:
        raise LessonTrainingError(f"the network after {epochs} epochs cannot be computed: {exc}") from None
    except guard.PluginHang:
        raise LessonTrainingError(f"the network after {epochs} epochs was not computed within "
                                  f"{guard.time_limit(PAGE_TIME_LIMIT):g} s (a plugin that never returns, "
                                  f"or too much training for a page)") from None
    except PLUGIN_ERRORS as exc:  # a plugin raised or exited in the page's training
        raise LessonTrainingError(f"the network after {epochs} epochs cannot be computed: "
                                  f"{type(exc).__name__}: {exc}") from None
    return network
