"""The step-by-step animation of the forward pass, backpropagation and the update."""
