"""The one place training waits: the gate a Trainer passes before every optimizer step.

A Trainer given a gate calls ``gate.wait()`` before each step; the call returns True to
take the step or False to end training. Everything that holds training back is a state
of the gate, set from any thread:

- paused (the user's Pause; also after a step budget is spent),
- held (the GUI thread is drawing and wants the GIL to itself),
- the pace (at most ``rate`` steps per second),
- stopped (Stop: the next ``wait`` returns False, at once even if paused).

Without a gate (the command line) a Trainer never waits.
"""
from __future__ import annotations

import threading
import time


class Gate:
    """Pause, hold, pace and stop for a Trainer running in another thread."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._paused = True
        self._held = False
        self._stopped = False
        self._interval = 0.0  # seconds between steps (0: as fast as possible)
        self._next = 0.0  # perf_counter() time the next step may start
        self._budget: int | None = None  # steps left before pausing (None: no limit)
        self.resting = True  # the training thread is not inside a step (it waits here, or has not come)
        self.open = False  # no reason to wait: the training thread's fast path reads only this

    # -- the training thread --------------------------------------------------------
    def wait(self) -> bool:
        """Block until the next step may run; False when training is to end."""
        if self.open:
            return True
        with self._condition:
            while True:
                if self._stopped:
                    self._rest(True)
                    return False
                if self._paused or self._held:
                    self._rest(True)
                    self._condition.wait()
                    continue
                if self._interval:
                    now = time.perf_counter()
                    if now < self._next:
                        self._rest(True)
                        self._condition.wait(self._next - now)
                        continue
                    # the next step one interval on; after a long hold, no burst to catch up
                    self._next = max(self._next + self._interval, now)
                if self._budget is not None:
                    self._budget -= 1
                    if self._budget <= 0:
                        self._budget = None
                        self._paused = True  # this step runs; the one after waits
                        self._update()
                self._rest(False)
                return True

    def _rest(self, resting: bool) -> None:
        """The training thread waits here (or leaves to take a step); the condition is held."""
        if resting != self.resting:
            self.resting = resting
            self._condition.notify_all()

    # -- any thread --------------------------------------------------------------------
    def run(self, steps: int | None = None) -> None:
        """Let training go on (for ``steps`` more steps only, then pause)."""
        with self._condition:
            self._paused = False
            self._budget = steps
            self._next = time.perf_counter()
            self._update()

    def pause(self) -> None:
        """Stop before the next step; ``run`` goes on from there."""
        with self._condition:
            self._paused = True
            self._budget = None
            self._update()

    def hold(self) -> None:
        """Wait before the next step until ``release`` (the GUI thread is busy)."""
        self._held = True
        self.open = False

    def release(self) -> None:
        with self._condition:
            self._held = False
            self._update()

    def stop(self) -> None:
        """End training: the waiting or next ``wait`` returns False."""
        with self._condition:
            self._stopped = True
            self._update()

    def set_rate(self, steps_per_second: float | None) -> None:
        """At most this many steps per second (None: as fast as possible)."""
        with self._condition:
            self._interval = 0.0 if not steps_per_second else 1.0 / steps_per_second
            self._next = min(self._next, time.perf_counter() + self._interval)
            self._update()

    def wait_until_resting(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for the training thread to be out of its step."""
        with self._condition:
            return self._condition.wait_for(lambda: self.resting, timeout)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    def _update(self) -> None:
        """Recompute the fast path and wake the training thread (the condition is held)."""
        self.open = not (self._paused or self._held or self._stopped or self._interval or self._budget)
        if self.open:  # the training thread goes on without calling wait(): it is (about to be) in a step
            self.resting = False
        self._condition.notify_all()
