"""Interactive figures of the book: one object, live or static.

Each widget is a class with a factory function of the same lower-case
name; calling the factory with no argument shows a good default example.

partial_slice             chapter 2: a partial derivative is a slice's slope
directional_derivative    chapter 3: D_v f = grad f . v, largest along grad f
quadratic_approximation   chapter 7: f against its Taylor polynomials
epsilon_delta             chapter 1: the epsilon band and the delta window
gradient_descent          chapter 3: iterates as the step size changes
linear_map                chapter 4: the Jacobian, best local linear map

In Jupyter or Colab a widget is live: ipywidgets sliders (``w.controls``)
call ``w.update(...)``, which redraws only what moves and replaces the
PNG of one ``ipywidgets.Image``; every frame is the picture a fresh widget
at the same parameters would draw. Where no widget frontend runs (GitHub,
nbviewer, an HTML export, VS Code without the extension) a live widget
shows its figure as an image with alt text (``w.mimebundle()``) instead
of the widget's text repr. With the environment variable
``MATHLIB_WIDGETS=static`` (the book build sets it) or ``mode="static"``,
the same object displays as a self-contained HTML scrubber whose frames
come from the same ``update``.

Bad input. A function that is not callable (or is a string), returns the
wrong type or shape, or has no finite value on the plotting window raises
TypeError or ValueError at construction. A point where f raises or is
not finite, or a parameter outside its slider's range, shows a readable
message in place of the figure (``w.message``, also in the caption under
a live figure); the widget keeps its last good parameters and works again
as soon as the input is valid.
"""

from ._base import Widget, WidgetInputError, widget_mode
from ._partial import PartialSlice, partial_slice
from ._directional import DirectionalDerivative, directional_derivative
from ._taylor import QuadraticApproximation, quadratic_approximation
from ._limits import EpsilonDelta, epsilon_delta
from ._descent import GradientDescent, gradient_descent
from ._linear_map import LinearMap, linear_map

__all__ = ["Widget", "WidgetInputError", "widget_mode",
           "PartialSlice", "partial_slice",
           "DirectionalDerivative", "directional_derivative",
           "QuadraticApproximation", "quadratic_approximation",
           "EpsilonDelta", "epsilon_delta",
           "GradientDescent", "gradient_descent",
           "LinearMap", "linear_map"]
