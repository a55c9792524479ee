"""The network canvas: a QGraphicsScene that follows the Document, and its view."""
from .selection import Selection
from .scene import NetworkScene
from .view import NetworkView

__all__ = ["Selection", "NetworkScene", "NetworkView"]
