"""Profile one trained variant on this machine: parameter counts, FLOPs, generator latency and
throughput, training step time and peak memory -> results/<dataset>/<variant>/seed<k>/profile.json."""
import os
import platform

import tensorflow as tf

from ganbench import cli, paths
from ganbench.config import load_params, variant
from ganbench.io import read_json, write_json
from ganbench.model_files import load_model
from ganbench.runtime import configure, peak_rss_mb
from ganbench.training.profile import generator_flops_per_image, generator_latency_ms, generator_throughput, train_step_flops


def machine() -> dict:
    """What the timings were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    return {"cpu": model, "cpu_count": os.cpu_count(), "threads": int(os.environ.get("OMP_NUM_THREADS", 0)) or None,
            "gpus": len(tf.config.list_physical_devices("GPU")), "tensorflow": tf.__version__}


def run() -> None:
    args = cli.parser(__doc__, run=True).parse_args()
    settings = variant(load_params(args.params), args.variant, args.params)
    configure(args.seed)
    out = paths.run_dir(args.dataset, args.variant, args.seed)
    trained = read_json(out / "train.json")
    generator = load_model(out / "generator.keras", "generator")
    step_flops = train_step_flops(settings, args.seed)
    step_seconds = trained["train_seconds"] / max(trained["steps_done"], 1)
    latency = generator_latency_ms(generator)
    write_json(out / "profile.json", {
        "dataset": args.dataset, "variant": args.variant, "seed": args.seed, "batch": settings["batch"],
        "generator_params": int(generator.count_params()), "discriminator_params": trained["discriminator_params"],
        "generator_mflops_per_image": generator_flops_per_image(generator) / 1e6,
        "train_step_gflops": step_flops / 1e9,
        "train_gflops_total": step_flops * trained["steps_done"] / 1e9,
        "train_steps": trained["steps_done"], "train_seconds": trained["train_seconds"],
        "train_step_seconds": step_seconds, "train_achieved_gflops_per_s": step_flops / 1e9 / step_seconds,
        "latency_ms_median": latency["median"], "latency_ms_p95": latency["p95"],
        "throughput_images_per_s": generator_throughput(generator),
        "peak_rss_mb_train": trained.get("peak_rss_mb"), "peak_rss_mb_profile": round(peak_rss_mb(), 1),
        "machine": machine(),
    })


if __name__ == "__main__":
    cli.main(run)
