"""The main window: palette, canvas, inspector, training panel and plots, menus, files."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from core.engine.network import Network
from core.io.network_file import FileFormatError, example_arrays
from core.plugin_host.host import PluginHost
from core.stepthrough.numbers import number
from core.training.setup import TrainingSetup

from . import autosave, colours, plain_text
from .actions import build_actions
from .animation.step_panel import StepPanel
from .app_state import AppState, silence
from .canvas.feature_chooser import FeatureChooser
from .canvas.neuron_maps import NeuronMaps
from .canvas.view import NetworkView
from .document import Document
from .files import FileController, new_network
from .inspector import Inspector
from .layouts import LayoutController
from .lesson.controller import LessonController
from .lesson.menu import build_lesson_menu
from .palette import Palette
from .plugins_ui import PluginsController
from .settings import AppSettings, app_settings
from .training import TrainingPanel, TrainingPlots
from .welcome import WelcomeCard

APP_NAME = "Backprop Studio"


class MainWindow(QMainWindow):
    """The Backprop Studio window.

    Parameters
    ----------
    host : PluginHost
        Loaded plugins; its registry offers activations, losses, optimizers and datasets.
    network : Network, optional
        The network to show (default: File ▸ New's 2-4-2 network).
    path : str or Path, optional
        The file ``network`` came from.
    example : (input, target), optional
        The example sample stored with the network.
    setup : TrainingSetup, optional
        The training setup stored with the network.
    use_autosave : bool
        Autosave in the background and offer to recover orphaned autosaves.
    restore_layout : bool
        Restore the window geometry and dock layout from the settings.
    ask_recover : callable, optional
        ``ask_recover(parent, orphan) -> bool`` instead of the question dialog.
    """

    def __init__(self, host: PluginHost, network: Network | None = None, path: str | Path | None = None,
                 example=None, *, use_autosave: bool = True, restore_layout: bool = True,
                 ask_recover: Callable | None = None, setup: TrainingSetup | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings: AppSettings = app_settings()  # JSON: nothing in it is ever unpickled
        colours.use(colours.saved_scheme(self.settings))
        self.undo_group = QUndoGroup(self)
        document = Document(network or new_network(), host, path, example, parent=self, setup=setup)
        self.state = AppState(document, self)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.files = FileController(self)

        self.view = NetworkView(self.state)
        self.setCentralWidget(self.view)
        self.palette_widget = Palette(host.registry)
        self.palette_widget.follow(self.state)
        self.inspector = Inspector(self.state)
        self.plots = TrainingPlots()
        self.neuron_maps = NeuronMaps(self.view.scene_, self)
        self.feature_chooser = FeatureChooser(self.view, self)  # the input layer's φ: h_0 = φ(x)
        self.training = TrainingPanel(self.state, self.plots, self.neuron_maps)
        self.palette_dock = self._dock("Palette", "palette_dock", self.palette_widget,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", "inspector_dock", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.training_dock = self._dock("Training", "training_dock", self.training,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.plots_dock = self._dock("Plots", "plots_dock", self.plots, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.training_dock, self.plots_dock, Qt.Orientation.Horizontal)
        self.steps = StepPanel(self.state)
        self.steps_dock = self._dock("Step through", "steps_dock", self.steps,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.plugins = PluginsController(self)
        self.layouts = LayoutController(self, self.settings, persistent=restore_layout)
        self.presentation = None  # the PresentationWindow while presenting
        self.actions_ = build_actions(self)
        self.lessons = LessonController(self)  # the Lesson menu, the lesson editor and the student pane
        self.lesson_actions = build_lesson_menu(self, self.lessons)
        self.summary = plain_text.plain_label()  # holds trace errors naming plugins
        self.statusBar().addPermanentWidget(self.summary)

        self.view.selection_changed.connect(self.inspector.show_selection)
        self.view.selection_changed.connect(self.training.maps.select)
        self.steps.step_changed.connect(self.view.show_step)
        self.steps.step_changed.connect(self.inspector.show_step)  # no spoilers in the inspector
        self.view.selection_changed.connect(self.steps.set_selection)  # the element view
        # a step of the step-through shows numbers in the neurons: their maps make way meanwhile
        self.steps.step_changed.connect(
            lambda view: self.neuron_maps.set_suspended(getattr(view, "step", None) is not None))
        self.inspector.paths_requested.connect(lambda k, i, j: self.show_weight_paths())
        self.training.weights_applied.connect(self.steps.leave)  # training moves the weights on
        self.welcome = WelcomeCard(self.view)  # not the viewport: fitting the canvas scrolls it
        self.welcome.chosen.connect(self._welcome_chosen)
        self.welcome.open_file.connect(lambda path: self.files.open_path(path))
        self.welcome.hide()
        # the canvas follows document.parameters_changed itself: no second refresh_values()
        self.training.status_message.connect(lambda text: self.statusBar().showMessage(text, 15000))

        self.autosaver: autosave.Autosaver | None = None
        if use_autosave:
            self.autosaver = autosave.Autosaver(lambda: self.document, self)
        self.state.document_changed.connect(self._follow)
        colours.notifier().changed.connect(self._colours_changed)
        self._watch(document)
        self.resize(1440, 900)
        if restore_layout:
            self.layouts.restore_saved()
        else:
            self.layouts.switch("build")
        self._update_title()
        self._update_summary()
        QTimer.singleShot(0, self.view.zoom_to_fit)
        from .focus import name_controls

        name_controls(self)  # plots by their titles, the palette by its dock
        if use_autosave:
            self.offer_recovery(ask_recover)
            self.lessons.start_autosave()  # and a lesson being written, after a crash

    # -- construction helpers ------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    @property
    def document(self) -> Document:
        """The open network (``state.document``)."""
        return self.state.document

    @property
    def host(self) -> PluginHost:
        """The loaded plugins (``state.host``)."""
        return self.state.host

    def docks(self) -> list[QDockWidget]:
        return [self.palette_dock, self.inspector_dock, self.training_dock, self.steps_dock, self.plots_dock]

    def _watch(self, document: Document) -> None:
        """The window's own ties to the open document: title, summary line, autosave."""
        document.modified_changed.connect(self.setWindowModified)
        document.path_changed.connect(lambda *_: self._update_title())
        document.structure_changed.connect(self._update_summary)
        document.trace_changed.connect(self._update_summary)
        if self.autosaver is not None:
            document.undo_stack.indexChanged.connect(self.autosaver.schedule)
            document.undo_stack.cleanChanged.connect(self.autosaver.note_clean)
            document.parameters_changed.connect(self.autosaver.note_weights)  # training, too
            document.setup_changed.connect(self.autosaver.schedule)

    def _follow(self, document: Document) -> None:
        self.welcome.hide()
        self._watch(document)
        self.setWindowModified(False)
        self._update_title()
        self._update_summary()
        QTimer.singleShot(0, self.view.zoom_to_fit)

    # -- the document ----------------------------------------------------------------------
    def replace_document(self, network: Network, path: Path | None, example=None, *,
                         setup: TrainingSetup | None = None) -> Document:
        """Show ``network`` (with its training ``setup``) in a fresh Document (New, Open, recovery)."""
        old = self.document
        document = Document(network, self.host, path, example, parent=self, setup=setup)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.state.set_document(document)  # every widget follows; the old document is retired
        self.undo_group.removeStack(old.undo_stack)
        return document

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.title()} — {APP_NAME}")
        self.setWindowModified(self.document.is_modified)

    def _update_summary(self) -> None:
        network = self.document.network
        text = f"{'-'.join(map(str, network.sizes))}  ·  {network.loss}"
        trace = self.document.trace
        if trace is not None:  # the one sample the step-through computes, not the training data
            text += f"  ·  step-through sample: loss {number(trace.loss)}"
        elif self.document.trace_error:
            text += f"  ·  {self.document.trace_error}"
        self.summary.setText(text)

    # -- the worked example and the start screen ---------------------------------------
    def open_worked_example(self) -> bool:
        """The textbook network of MATH.md with its input and target, ready to step through."""
        from core.io.resources import example_files

        textbook = next((p for p in example_files() if p.stem == "textbook"), None)
        if textbook is None or not self.files.open_example(textbook):
            return False
        self.layouts.switch("step")
        self.steps.to_start()
        self.statusBar().showMessage("The worked example: press Step forward (→) to compute a_1", 10000)
        return True

    def show_weight_paths(self):
        """The all-paths view of the weight selected on the canvas."""
        from .animation.paths_view import PathsDialog

        selection = self.view.scene_.selection
        if selection is None or selection.kind != "weight":
            self.statusBar().showMessage("Select a weight (an edge) on the canvas first", 6000)
            return None
        dialog = PathsDialog(self.document, selection.layer, selection.i, selection.j, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_welcome(self) -> None:
        self.welcome.set_recent(self.files.recent())
        self.welcome.place()
        self.welcome.show()
        self.welcome.raise_()
        self.document.undo_stack.indexChanged.connect(self._hide_welcome_on_edit)

    def _hide_welcome_on_edit(self, *args) -> None:
        self.welcome.hide()

    def _welcome_chosen(self, key: str) -> None:
        if key == "lesson":
            self.lessons.open_builtin()
        elif key == "textbook":
            self.open_worked_example()
        elif key == "spiral":
            from core.io.resources import example_files

            spiral = next((p for p in example_files() if p.stem == "spiral-classifier"), None)
            if spiral is not None and self.files.open_example(spiral):  # with its setup: spiral data
                self.layouts.switch("train")
        elif key == "open":
            self.files.open()
        elif key == "new":
            self.layouts.switch("build")

    def zoom(self, factor: float) -> None:
        zoom = getattr(self.view, "zoom", None)
        if callable(zoom):
            zoom(factor)
        else:
            self.view.scale(factor, factor)

    # -- presentation mode -----------------------------------------------------------------
    def toggle_presentation(self, full_screen: bool = True):
        """F5: present the network and the step-through (the Train layout: the live plots) full
        screen; F5 or Esc again leaves. Returns the presentation window, or None on leaving.
        ``full_screen=False`` keeps its size (screenshots)."""
        from .presentation import PresentationWindow

        if self.presentation is not None:
            self.presentation.close()
            return None
        training = self.layouts.current == "train" or self.training.is_training
        if not training and self.layouts.current != "step":
            self.layouts.switch("step")  # the step player runs the presentation
        self.presentation = PresentationWindow(self, training)
        self.presentation.present(full_screen)
        return self.presentation

    def presentation_closed(self) -> None:
        self.presentation = None
        self.activateWindow()

    def _colours_changed(self, scheme) -> None:
        self.steps.rebuild(keep_position=True)  # the phase colour of the formula and position

    def show_preferences(self):
        """Edit ▸ Preferences… (the colour scheme)."""
        from .preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> QMessageBox:
        """Help ▸ About: the version and the plugins loaded (a box that does not block)."""
        from .help import about_html

        box = QMessageBox(QMessageBox.Icon.Information, f"About {APP_NAME}", about_html(self.host),
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)  # names and numbers in it are escaped
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.show()
        return box

    def show_shortcuts(self):
        """Help ▸ Keyboard Shortcuts, generated from the actions."""
        from .help import ShortcutsDialog

        return self._show_dialog(ShortcutsDialog(self))

    def show_math(self):
        """Help ▸ The Math: docs/math.md in the app."""
        from .help import MathDialog

        return self._show_dialog(MathDialog(self))

    def _show_dialog(self, dialog):
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # -- crash recovery ---------------------------------------------------------------------
    def offer_recovery(self, ask: Callable | None = None) -> bool:
        """Offer each orphaned autosave, newest first, until one is recovered; True if one was.

        A declined orphan is deleted. Once one is recovered, the others (two crashed
        windows leave two) are kept and offered again at the next start: none is lost.
        """
        ask = ask or autosave.ask_recover
        orphans = autosave.find_orphans(self.autosaver.folder if self.autosaver else None)
        recovered = False
        for index, orphan in enumerate(orphans):
            if not ask(self, orphan):
                orphan.discard()
                continue
            try:
                network, extras = autosave.load_orphan(orphan)
            except FileFormatError as exc:
                plain_text.warning(self, "Cannot recover", f"The autosave could not be read:\n\n{exc}")
                orphan.discard()
                continue
            path = Path(orphan.original_path) if orphan.original_path else None
            document = self.replace_document(network, path, example_arrays(extras),
                                             setup=extras.get("setup"))
            document.metadata = extras.get("metadata")  # the file's name and description
            document.undo_stack.resetClean()  # recovered work is unsaved
            self.setWindowModified(True)
            orphan.discard()
            later = len(orphans) - index - 1
            self.statusBar().showMessage(
                "Recovered the autosaved network; save it to keep it"
                + (f" ({later} more autosave(s) will be offered at the next start)" if later else ""), 15000)
            recovered = True
            break
        if recovered and self.autosaver is not None:
            self.autosaver.save_now()
        return recovered

    # -- layout and closing -------------------------------------------------------------
    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab in reading order: left docks, canvas, right docks, bottom docks (see focus.py)."""
        from PySide6.QtWidgets import QApplication

        from .focus import next_focus

        target = next_focus(self, QApplication.focusWidget(), next)
        if target is None:
            return super().focusNextPrevChild(next)
        reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.layouts.window_shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Pause training, ask about unsaved changes, then stop everything cleanly."""
        if self.presentation is not None:
            self.presentation.close()
        if self.training.is_training:
            self.training.pause()
        if not (self.lessons.maybe_save() and self.files.maybe_save()):
            event.ignore()
            return
        self.lessons.close_lesson(ask=False)  # its docks are not part of the layout kept for next time
        self.training.shutdown()
        if self.autosaver is not None:
            self.autosaver.shutdown()
        self.layouts.save()
        silence(self.document)
        event.accept()
