#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The sweep benchmark: PyTorch eager (../shared/bench/eager_sweep.py, unchanged) against
`pareto sweep` on the same checkpoint, images and schemes, whole processes, paired runs.

    /usr/bin/python3 bench/sweep_vs_eager.py CKPT --folder DIR [--channels 3] [--latent 16]
        [--schemes int2,...,int4-g64] [--rounds 3] [--pareto build/app/pareto] [--eager PATH]

`--fashion-mnist N` instead of --folder uses the first N Fashion-MNIST test images (1 channel).
Each round runs both, alternating which goes first, and prints per process: the tool's own
load and compute seconds (eager: load_seconds, compute_seconds; pareto sweep --json:
seconds_load, seconds_compute), the whole process's wall time, CPU seconds (user + sys)
and peak RSS, then the ratios pareto / eager and /proc/pressure/cpu before and after the
round. Targets (issue 19): compute <= 1/3 of eager's, whole process <= eager's. Timings
mean little when /proc/pressure/cpu "some" avg10 is high (other work on the machine).
Make inputs with bench/make_sweep_fixture.py."""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SCHEMES = "int2,int3,int4,int5,int6,int7,int8,int4-g64"


def pressure():
    try:
        with open("/proc/pressure/cpu") as f:
            return " | ".join(line.strip() for line in f)
    except OSError:
        return "unavailable"


def timed(cmd, env):
    """Runs cmd to the end under /usr/bin/time; returns (stdout, wall s, cpu s, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        p = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M"] + cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr.decode(errors='replace')}")
        wall, user, system, rss_kib = t.read().split()[-4:]
    return p.stdout.decode(), float(wall), float(user) + float(system), int(rss_kib) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ckpt")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--folder")
    src.add_argument("--fashion-mnist", type=int)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--latent", type=int, default=16)
    ap.add_argument("--schemes", default=DEFAULT_SCHEMES)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pareto", default=os.path.join(ROOT, "build", "app", "pareto"))
    ap.add_argument("--eager", default=os.path.join(ROOT, "..", "shared", "bench", "eager_sweep.py"))
    ap.add_argument("--json", help="also write the rounds as JSON here")
    a = ap.parse_args()

    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    eager = ["/usr/bin/python3", a.eager, a.ckpt, "--channels", str(a.channels), "--latent", str(a.latent),
             "--schemes", a.schemes]
    eager += ["--folder", a.folder] if a.folder else ["--fashion-mnist", str(a.fashion_mnist)]
    tmp = tempfile.mkdtemp(prefix="sweep-bench-")
    pareto = [a.pareto, "sweep", a.ckpt, "--schemes", a.schemes, "--out", os.path.join(tmp, "sweep"), "--json", "--quiet"]
    pareto += ["--data", "folder:" + a.folder] if a.folder else ["--data", "fashion-mnist", "--limit", str(a.fashion_mnist)]

    print(f"eager:  {' '.join(eager)}")
    print(f"pareto: {' '.join(pareto)}")
    rounds = []
    for r in range(a.rounds):
        p0 = pressure()
        res = {}
        for who in (["eager", "pareto"] if r % 2 == 0 else ["pareto", "eager"]):
            out, wall, cpu, rss = timed(eager if who == "eager" else pareto, env)
            if who == "eager":
                m = re.search(r"n (\d+) load_seconds ([\d.]+) compute_seconds ([\d.]+) total_seconds ([\d.]+)", out)
                if not m:
                    sys.exit("eager_sweep.py printed no timing line:\n" + out)
                n, load, compute = int(m.group(1)), float(m.group(2)), float(m.group(3))
            else:
                j = json.loads(out)
                n, load, compute = j["n"], j["seconds_load"], j["seconds_compute"]
            res[who] = {"n": n, "load": load, "compute": compute, "wall": wall, "cpu": cpu, "rss_mib": rss}
        res["pressure_before"] = p0
        res["pressure_after"] = pressure()
        rounds.append(res)
        e, p = res["eager"], res["pareto"]
        print(f"\nround {r + 1}  (n = {e['n']} images, {len(a.schemes.split(','))} schemes)")
        print(f"  {'':7} {'load s':>8} {'compute s':>10} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
        for who in ("eager", "pareto"):
            x = res[who]
            print(f"  {who:7} {x['load']:8.3f} {x['compute']:10.3f} {x['wall']:8.3f} {x['cpu']:8.3f} {x['rss_mib']:9.0f}")
        print(f"  pareto / eager: compute {p['compute'] / e['compute']:.3f} (target <= 0.333), "
              f"wall {p['wall'] / e['wall']:.3f} (target <= 1), cpu {p['cpu'] / e['cpu']:.3f}")
        print(f"  pressure before: {p0}")
        print(f"  pressure after:  {res['pressure_after']}")

    if a.rounds > 1:
        med = lambda who, k: statistics.median(x[who][k] for x in rounds)  # noqa: E731
        print(f"\nmedian of {a.rounds} rounds: eager compute {med('eager', 'compute'):.3f} s, wall {med('eager', 'wall'):.3f} s; "
              f"pareto compute {med('pareto', 'compute'):.3f} s, wall {med('pareto', 'wall'):.3f} s; "
              f"ratio compute {statistics.median(x['pareto']['compute'] / x['eager']['compute'] for x in rounds):.3f}, "
              f"wall {statistics.median(x['pareto']['wall'] / x['eager']['wall'] for x in rounds):.3f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rounds, f, indent=2)


if __name__ == "__main__":
    main()
