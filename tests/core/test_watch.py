"""A diverging loss is reported before it becomes NaN; an ordinary run is not."""
from core.training.watch import loss_warning


def test_a_falling_or_noisy_loss_is_fine():
    assert loss_warning([]) is None
    assert loss_warning([0.7, 0.5, 0.4, 0.3, 0.31, 0.29, 0.3]) is None
    assert loss_warning([2.0, 5.0, 1.0, 0.5]) is None  # a bumpy start that recovers


def test_a_loss_that_keeps_growing_is_diverging():
    warning = loss_warning([0.5, 0.4, 0.42, 0.45, 0.5, 0.55, 0.61])
    assert "grown for 5 epochs in a row" in warning and "smaller learning rate" in warning


def test_a_loss_that_blows_up_is_diverging():
    warning = loss_warning([2.3, 24956.9, 10849.7])
    assert "times its lowest" in warning and "diverging" in warning
