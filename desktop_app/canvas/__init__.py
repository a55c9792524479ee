"""The network canvas: a QGraphicsScene that follows the Document, and its view."""
from .scene import NetworkScene
from .selection import Selection
from .view import NetworkView

__all__ = ["Selection", "NetworkScene", "NetworkView"]
