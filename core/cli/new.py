"""`backprop-studio new`: make a network file."""
from __future__ import annotations

import argparse

from core.cli.base import Command, add_safe_mode, check_names, load_host, non_negative
from core.engine.network import Network
from core.io.network_file import save_network


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", required=True, metavar="N",
                        help="layer widths, input first, e.g. 3 3 3 2")
    parser.add_argument("--activation", default="tanh", help="activation of every hidden layer")
    parser.add_argument("--activations", nargs="+", metavar="NAME", help="one activation per hidden layer")
    parser.add_argument("--loss", default="softmax_cross_entropy")
    parser.add_argument("--seed", type=non_negative, default=0, help="seed of the initial weights (0 or more)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE")
    add_safe_mode(parser)


def run(args: argparse.Namespace) -> int:
    host = load_host(args)
    activations = args.activations if args.activations else args.activation
    network = Network(args.sizes, activations, args.loss, seed=args.seed)
    check_names(network, host)
    save_network(network, args.output)
    print(f"wrote {args.output}: sizes {network.sizes}, activations {network.activations}, loss {network.loss}")
    return 0


COMMAND = Command("new", "make a network file", configure, run)
