"""Calling plugin code without trusting it: a time limit, no exits, and who is to blame.

A plugin's function may raise anything, call ``sys.exit()`` or ``os._exit()``, never
return, or return nonsense. The host calls plugin code through :func:`call_with_time_limit`
(a daemon thread the caller waits for at most ``time_limit`` seconds): a call that does
not return in time raises :class:`PluginHang` naming the plugin function it was stuck in,
and the thread is asked to stop (:class:`PluginStopped` is raised inside it at its next
Python instruction). A thread that cannot be stopped (blocked in C) is remembered in
:func:`stuck_threads`, so the app can exit without waiting for it.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import CodeType, FrameType, TracebackType
from typing import Any

CALL_TIME_LIMIT = 5.0  # seconds for one check of a contribution, or one display computation
IMPORT_TIME_LIMIT = 30.0  # seconds for importing a plugin and calling one of its hooks
TIME_LIMIT_ENV = "BACKPROP_STUDIO_PLUGIN_TIME_LIMIT"


def time_limit(default: float = CALL_TIME_LIMIT) -> float:
    """``default``, or the seconds in ``$BACKPROP_STUDIO_PLUGIN_TIME_LIMIT`` (tests shorten it)."""
    try:
        value = float(os.environ.get(TIME_LIMIT_ENV, ""))
    except ValueError:
        return default
    return value if value > 0 else default


class PluginHang(Exception):
    """Plugin code that did not return within its time limit.

    Attributes
    ----------
    culprit : str or None
        The plugin function the thread was running when the time ran out, if known.
    """

    def __init__(self, message: str, culprit: Any = None, problem: str = "") -> None:
        super().__init__(message)
        self.culprit = culprit
        self.problem = problem or message  # without the names: "g(a) did not return within 5 s …"


class PluginStopped(BaseException):
    """Raised inside a plugin thread that ran past its time limit (not an Exception, so a
    plugin's ``except Exception`` does not swallow it)."""


_stuck: dict[int, Callable[[], bool]] = {}  # thread id -> whether it still runs
_stuck_lock = threading.Lock()


def stuck_threads() -> list[int]:
    """Ids of threads running plugin code that were given up on and still run."""
    with _stuck_lock:
        for ident, alive in list(_stuck.items()):
            if not alive():
                del _stuck[ident]
        return list(_stuck)


def give_up_on(thread: threading.Thread | int, alive: Callable[[], bool] | None = None) -> None:
    """Ask a thread running plugin code to stop, and remember it while ``alive()``.

    Parameters
    ----------
    thread : Thread or int
        The thread, or its id (``threading.get_ident()`` in it).
    alive : callable, optional
        Whether it still runs (default: ``thread.is_alive``; required with an id).
    """
    ident = thread.ident if isinstance(thread, threading.Thread) else thread
    if ident is None:
        return
    if alive is None:
        alive = thread.is_alive if isinstance(thread, threading.Thread) else (lambda: True)
    with _stuck_lock:
        _stuck[ident] = alive
    # raised in the thread at its next bytecode: ends a pure-Python endless loop
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(PluginStopped))


def stuck_in(ident: int, suspects: Iterable[Any]) -> tuple[Any, str] | None:
    """The suspect whose function the thread ``ident`` is running now, if any."""
    return culprit_in_frames(_stack(sys._current_frames().get(ident)), suspects)


def _refuse_exit(status: int = 0) -> None:
    raise SystemExit(f"os._exit({status}) called by a plugin")


@contextmanager
def exits_refused() -> Iterator[None]:
    """While plugin code runs: ``os._exit`` raises SystemExit (which the guards catch)."""
    real = os._exit
    os._exit = _refuse_exit  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit = real


def call_with_time_limit(function: Callable[..., Any], *args: Any, limit: float | None = None,
                         suspects: Iterable[Any] = (), what: str = "plugin code", **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in a daemon thread, waited for at most ``limit`` seconds.

    Parameters
    ----------
    function
        What to call (plugin code, or our code calling plugin code).
    limit : float, optional
        Seconds to wait (default :func:`time_limit`).
    suspects : iterable
        Contributions (objects with plugin functions as attributes) whose functions are
        looked for on the stuck thread's stack, to say which one hangs.
    what : str
        Names the call in the PluginHang message ("g of activation 'x'").

    Returns
    -------
    The function's result. Anything it raises (SystemExit included) is raised here.

    Raises
    ------
    PluginHang
        The call did not return in time; ``culprit`` is the suspect it was stuck in.
    """
    limit = time_limit() if limit is None else limit
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # handed to the caller, SystemExit included
            outcome["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=run, name=f"plugin: {what}", daemon=True)
    thread.start()
    if not done.wait(limit):
        culprit = stuck_in(thread.ident or -1, suspects)
        give_up_on(thread)
        if culprit is not None:
            late = f"did not return within {limit:g} s (it hangs)"
            quantity = function_name(culprit) or "it"
            raise PluginHang(f"{describe(culprit)} {late}", culprit, f"{quantity} {late}")
        raise PluginHang(f"{what} did not return within {limit:g} s (it hangs)")
    if "error" in outcome:
        error = outcome["error"]
        raise error.with_traceback(error.__traceback__)
    return outcome.get("value")


# -- who is to blame -----------------------------------------------------------------------
FUNCTION_NAMES = {  # attribute -> the quantity it computes, as the messages say it
    "fn": "g(a)", "derivative": "g'(a)", "derivative_from_output": "g'(a)",
    "output": "ŷ = O(a_L)", "value": "the loss value", "value_from_logits": "the loss value",
    "gradient": "∇a_L", "validate_target": "the target check", "factory": "the optimizer's factory",
    "generate": "the data", "penalty": "R(W)",
}
KIND_FUNCTION_NAMES = {  # where a kind's function computes something else than the table says
    "feature": {"fn": "φ(x)"},
    "regularizer": {"gradient": "∂R/∂W"},
}


def function_name(culprit: Any) -> str:
    """What the culprit's function computes: ``g(a)``, ``φ(x)`` (a feature's fn), ``∂R/∂W`` …
    (the attribute's own name when the tables do not know it; "" for none)."""
    item, attribute = culprit if isinstance(culprit, tuple) else (culprit, "")
    kind = type(item).__name__.lower().replace("datasetspec", "dataset")
    return KIND_FUNCTION_NAMES.get(kind, {}).get(attribute) or FUNCTION_NAMES.get(attribute) or attribute


def describe(culprit: Any) -> str:
    """``g'(a) of activation 'x' from plugin 'p'`` for a (contribution, attribute) pair."""
    item, _ = culprit if isinstance(culprit, tuple) else (culprit, "")
    kind = type(item).__name__.lower().replace("datasetspec", "dataset")
    quantity = function_name(culprit)
    where = f"{quantity} of " if quantity else ""
    return f"{where}{kind} {getattr(item, 'name', '?')!r} from plugin {getattr(item, 'plugin', '?')!r}"


def _code_of(function: Any) -> CodeType | None:
    code = getattr(function, "__code__", None)
    if code is None:
        code = getattr(getattr(function, "__func__", None), "__code__", None)
    return code if isinstance(code, CodeType) else None


def _stack(frame: FrameType | None) -> list[FrameType]:
    """Outermost first."""
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames[::-1]


def _traceback_frames(tb: TracebackType | None) -> list[FrameType]:
    """Outermost first."""
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


def culprit_in_frames(frames: list[FrameType], suspects: Iterable[Any]) -> tuple[Any, str] | None:
    """The first (outermost) frame that runs a suspect's function: (contribution, attribute)."""
    codes: dict[CodeType, tuple[Any, str]] = {}
    files: dict[str, list[Any]] = {}
    for item in suspects:
        functions = [(attribute, getattr(item, attribute, None)) for attribute in FUNCTION_NAMES]
        functions.append(("step", getattr(getattr(item, "factory", None), "step", None)))
        for attribute, function in functions:
            code = _code_of(function)
            if code is not None:
                codes.setdefault(code, (item, attribute))
                if item not in files.setdefault(code.co_filename, []):
                    files[code.co_filename].append(item)
    for frame in frames:
        if frame.f_code in codes:
            return codes[frame.f_code]
    for frame in reversed(frames):  # a helper in the file of exactly one suspect
        items = files.get(frame.f_code.co_filename, [])
        if len(items) == 1:
            return items[0], ""
    return None


def culprit_of(error: BaseException, suspects: Iterable[Any]) -> tuple[Any, str] | None:
    """The contribution whose function raised ``error`` (from its traceback), or None."""
    return culprit_in_frames(_traceback_frames(error.__traceback__), suspects)


def blame(error: BaseException, suspects: Iterable[Any], *, probe: Callable[[Any], str | None] | None = None,
          limit: float | None = None) -> tuple[str, Any, str | None]:
    """A message naming the plugin behind ``error``, the contribution (or None), and why to
    flag it (it hangs or breaks its contract) or None (it raised on this input).

    The traceback names a plugin whose function raised. A plugin that returned a wrong
    shape or type makes our code fail instead; then each suspect is probed (``probe``,
    with a time limit) and the first one that breaks its contract is named.
    """
    suspects = list(suspects)
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, SystemExit):
        detail = f"it tried to end the program (SystemExit: {error.code})"
    culprit = culprit_of(error, suspects)
    if isinstance(error, PluginHang):
        item = error.culprit[0] if isinstance(error.culprit, tuple) else error.culprit
        return str(error), item, error.problem
    if culprit is not None:
        return f"{describe(culprit)} failed: {detail}", culprit[0], None
    if probe is not None:
        for item in suspects:
            try:
                problem = call_with_time_limit(probe, item, limit=limit, suspects=[item],
                                               what=f"checking {getattr(item, 'name', '?')!r}")
            except PluginHang as exc:
                return str(exc), item, exc.problem
            except (Exception, SystemExit) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if problem:
                return f"{describe(item)}: {problem} ({detail})", item, problem
    return detail, None, None
