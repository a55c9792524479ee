"""What the plots show: per-step loss and gradient norms, per-epoch losses and accuracy."""
from __future__ import annotations

import numpy as np

from core.training.trainer import EpochReport, StepReport


class Growing:
    """A numpy array that grows by doubling (cheap appends, cheap views)."""

    def __init__(self, columns: int = 0) -> None:
        self.columns = columns
        self._data = np.empty((256, columns) if columns else 256)
        self.size = 0

    def append(self, value) -> None:
        if self.size == len(self._data):
            self._data = np.concatenate([self._data, np.empty_like(self._data)])
        self._data[self.size] = value
        self.size += 1

    def extend(self, values: np.ndarray) -> None:
        while self.size + len(values) > len(self._data):
            self._data = np.concatenate([self._data, np.empty_like(self._data)])
        self._data[self.size:self.size + len(values)] = values
        self.size += len(values)

    @property
    def values(self) -> np.ndarray:
        return self._data[:self.size]


class TrainingHistory:
    """Reports of every session of one network, on one continuing step and epoch axis."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.steps_per_epoch = 1
        self.step_offset = 0  # steps and epochs of earlier sessions
        self.epoch_offset = 0
        self.step = Growing()  # in epochs (fractional), so step and epoch curves share an axis
        self.step_loss = Growing()
        self.grad_norms: Growing | None = None
        self.epoch = Growing()
        self.train_loss = Growing()
        self.test_loss = Growing()
        self.train_accuracy = Growing()
        self.test_accuracy = Growing()
        self.last_step = 0
        self.last_epoch = 0

    def new_session(self, steps_per_epoch: int) -> None:
        """Continue the axes after the last report (a new Trainer counts from 0 again)."""
        self.step_offset, self.epoch_offset = self.last_step, self.last_epoch
        self.steps_per_epoch = max(1, steps_per_epoch)

    def absorb(self, report: StepReport | EpochReport) -> None:
        if isinstance(report, StepReport):
            self.last_step = self.step_offset + report.step
            self.step.append(self.last_step / self.steps_per_epoch)
            self.step_loss.append(report.loss)
            if self.grad_norms is None or self.grad_norms.columns != len(report.grad_norms):
                self.grad_norms = Growing(len(report.grad_norms))
            self.grad_norms.append(report.grad_norms)
            return
        self.last_epoch = self.epoch_offset + report.epoch
        self.epoch.append(self.last_epoch)
        self.train_loss.append(report.train_loss)
        self.test_loss.append(np.nan if report.test_loss is None else report.test_loss)
        self.train_accuracy.append(np.nan if report.train_accuracy is None else report.train_accuracy)
        self.test_accuracy.append(np.nan if report.test_accuracy is None else report.test_accuracy)

    def absorb_all(self, reports: list[StepReport | EpochReport]) -> None:
        """``absorb`` each report, in order; runs of step reports go in as whole arrays."""
        run: list[StepReport] = []
        for report in reports:
            if isinstance(report, StepReport):
                if run and len(report.grad_norms) != len(run[0].grad_norms):
                    self._absorb_steps(run)
                    run = []
                run.append(report)
            else:
                self._absorb_steps(run)
                run = []
                self.absorb(report)
        self._absorb_steps(run)

    def _absorb_steps(self, steps: list[StepReport]) -> None:
        if len(steps) < 2:
            for report in steps:
                self.absorb(report)
            return
        n_layers = len(steps[0].grad_norms)
        if self.grad_norms is None or self.grad_norms.columns != n_layers:
            self.grad_norms = Growing(n_layers)
        number = self.step_offset + np.fromiter((r.step for r in steps), float, len(steps))
        self.step.extend(number / self.steps_per_epoch)
        self.step_loss.extend(np.fromiter((r.loss for r in steps), float, len(steps)))
        self.grad_norms.extend(np.array([r.grad_norms for r in steps]))
        self.last_step = int(number[-1])

    @property
    def n_steps(self) -> int:
        return self.step_loss.size

    @property
    def n_epochs(self) -> int:
        return self.epoch.size


def thin(x: np.ndarray, y: np.ndarray, limit: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``limit`` points: bin means of a long history, always ending at the last point."""
    n = len(x)
    if n <= limit:
        return x, y
    width = int(np.ceil(n / limit))
    cut = (n // width) * width
    shape = (cut // width, width) + y.shape[1:]
    xs = x[:cut].reshape(cut // width, width).mean(axis=1)
    ys = y[:cut].reshape(shape).mean(axis=1)
    return np.concatenate([xs, x[-1:]]), np.concatenate([ys, y[-1:]])
