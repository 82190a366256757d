"""``mas sweep``: D, G and the best participant set for every k on any instance."""

from __future__ import annotations

import argparse

from mas import limits
from mas.selection import STRATEGIES, policy
from scenarios.commands.options import nonempty_path, positive_float, positive_int, probability, refuse_unless, seed
from scenarios.output import format_table, print_json
from topologies.kinds import KINDS

#: the strategies of :mod:`mas.selection` (declared there, so naming them imports no numpy or scipy)
STRATEGY_NAMES = tuple(STRATEGIES.names())
#: :data:`mas.costs.PARTICIPATION`, named here for the same reason (a test checks they agree)
PARTICIPATION_NAMES = ("participants", "working")


def add_instance_arguments(p: argparse.ArgumentParser) -> None:
    """--instance FILE or --topology/--agents/--subtasks (shared by commands that take an instance)."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--instance", metavar="FILE", help="instance JSON (execution_cost, transmission_cost, kappa)")
    src.add_argument("--topology", choices=KINDS, help="generate an instance on this topology")
    p.add_argument("--agents", type=positive_int, metavar="N", help="agents of a generated instance")
    p.add_argument("--subtasks", type=positive_int, metavar="M", help="subtasks of a generated instance")
    p.add_argument("--infeasible-prob", type=probability, default=None, metavar="P",
                   help="probability that an agent cannot execute a subtask (generated instances; default 0)")
    p.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    p.add_argument("--kappa", type=positive_float, default=None,
                   help="exponent of k in G (default: the instance's, else 2)")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr (there is none when stderr "
                                                       "is not a terminal)")


def progress(args, steps: int, label: str):
    """A bar over the command's long steps (stderr; off with --quiet or when not a terminal)."""
    from scenarios.progress import Progress

    return Progress(steps, label, enabled=False if args.quiet else None)


def add_lambda_argument(p: argparse.ArgumentParser) -> None:
    """--lambda participants|working: how G counts the participation degree (shared by the cost commands)."""
    p.add_argument("--lambda", dest="participation", choices=PARTICIPATION_NAMES, default="participants",
                   help="lambda in G = D * lambda^-kappa: participants = |S| (default, the paper's Table 1); "
                        "working = agents that execute a subtask (sweep sets then have all k working)")


def instance_from_args(args, strategy: str = "auto", progress=None):
    """The Instance the arguments describe; errors name the missing or meaningless option.

    The memory the instance and ``strategy`` need is checked (:mod:`mas.limits`)
    before the instance is generated, and after a file is read. ``progress``
    (e.g. :meth:`scenarios.progress.Progress.report`) hears the topology's and P's steps.
    """
    from mas.instance import generate_instance, load_instance

    if args.instance:
        for opt in ("--agents", "--subtasks", "--infeasible-prob"):
            refuse_unless(args, opt, False, "only with --topology (the instance file gives the sizes)")
        inst = load_instance(args.instance)
        limits.require(limits.sweep_estimate(inst.n, inst.m, strategy, graph=False), f"mas {args.command}")
    else:
        for opt in ("agents", "subtasks"):
            if getattr(args, opt) is None:
                raise ValueError(f"--{opt} is required with --topology")
        limits.require(limits.command_estimate(args.command, args.topology, args.agents, args.subtasks, strategy),
                       f"mas {args.command}")
        inst = generate_instance(args.topology, args.agents, args.subtasks, seed=args.seed,
                                 infeasible_prob=args.infeasible_prob or 0.0, progress=progress)
    if args.kappa is not None:
        inst.kappa = args.kappa
    return inst


def register(sub) -> None:
    p = sub.add_parser("sweep", help="best participant set, D and G for every k",
                       description="The k-sweep of the cost model on an instance file or a generated one.")
    add_instance_arguments(p)
    p.add_argument("--strategy", choices=[*STRATEGY_NAMES, *STRATEGIES.also], default="auto",
                   help="exhaustive (exact, n <= 30), milp (exact), greedy, local (greedy + swaps); "
                        f"auto: exhaustive up to {policy.EXHAUSTIVE_MAX_N} agents, local up to "
                        f"{policy.LOCAL_MAX_N}, greedy beyond")
    add_lambda_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", type=nonempty_path, metavar="FILE.png", help="draw D(k) and G(k)")
    p.set_defaults(run=run)


def run(args) -> int:
    with progress(args, 3, "sweep: topology and cost matrices") as bar:
        inst = instance_from_args(args, args.strategy, progress=bar.report)
        bar.report("the cost model (checks, W = P + P.T)", 0, 1)
        model = inst.cost_model(args.participation)
        bar.advance()
        bar.stage(f"sweep: choosing participants for k = 1..{model.n}")
        sweep = model.sweep(args.strategy, progress=bar.report)
        bar.advance()
        bar.stage("sweep: writing")
        code = _show(args, model, sweep)
        bar.advance()
    return code


def _show(args, model, sweep) -> int:
    if args.plot:
        from scenarios.plots import plot_k_curves

        ks = [r.k for r in sweep.rows]
        plot_k_curves(args.plot, ks, {sweep.strategy: ([r.D for r in sweep.rows], [r.G for r in sweep.rows])},
                      f"k-sweep, {model.n} agents, {model.m} subtasks", best_k=sweep.best_k)
    if args.json:
        print_json(sweep.to_dict())
        return 0
    names = model.agent_names
    rows = [[r.k, _fmt(r.participants, names), r.D, r.G, r.working] for r in sweep.rows]
    print(f"{model.n} agents, {model.m} subtasks, kappa = {model.kappa:g}, strategy = {sweep.strategy}, "
          f"lambda = {model.participation}")
    print(format_table(["k", "participants", "D", "G", "working"], rows))
    print(f"Best number of participants (smallest G): k = {sweep.best_k}")
    return 0


def _fmt(s, names) -> str:
    if s is None:
        return "infeasible"
    shown = [names[j] if names else str(j) for j in s]
    text = "{" + ",".join(shown) + "}"
    return text if len(text) <= 40 else text[:37] + "...}"
