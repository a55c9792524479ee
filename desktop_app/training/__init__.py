"""The training dock: dataset and optimizer settings, a worker thread, live plots."""
from .panel import TrainingPanel
from .plots import TrainingPlots

__all__ = ["TrainingPanel", "TrainingPlots"]
