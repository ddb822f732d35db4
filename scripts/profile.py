"""Profile one variant: its FLOPs (training step, generator per image; counted from the layers, the
study's unit of compute), parameter counts, and its generator's latency at batch 1 and throughput on
this machine -> results/profile/<variant>.json. A property of the variant, not of a trained run."""
from ganbench import cli, paths
from ganbench.config import load_params, variant
from ganbench.io import write_json
from ganbench.runtime import configure
from ganbench.training.flops import networks, variant_flops
from ganbench.training.profile import generator_latency_ms, generator_throughput, machine


def run() -> None:
    p = cli.parser(__doc__, dataset=False)
    p.add_argument("--variant", required=True)
    args = p.parse_args()
    settings = variant(load_params(args.params), args.variant, args.params)
    configure(0)
    generator, _ = networks(settings)  # timing does not depend on the weights
    latency = generator_latency_ms(generator)
    write_json(paths.profile_json(args.variant), {
        "variant": args.variant, "batch": settings["batch"], **variant_flops(settings),
        "latency_ms_median": latency["median"], "latency_ms_p95": latency["p95"],
        "throughput_images_per_s": generator_throughput(generator), "machine": machine()})


if __name__ == "__main__":
    cli.main(run)
