"""Run a swiftload scenario in segments on a Ray cluster, and merge the results.

    swiftload build scenarios/quickstart.swift -o build/quickstart
    python deploy/ray/swiftload_ray.py --bundle build/quickstart --segments 4 \
        --out results/ -- -e TARGET=http://10.0.0.5:8080

One segment per placement-group bundle: with --strategy STRICT_SPREAD (the default) every segment
gets a node of its own, as load generators should; SPREAD or PACK allow sharing. The driver ships
the bundle (a folder made by `swiftload build`, which needs no Swift toolchain) to each segment's
node through Ray's object store, starts every segment at one wall-clock instant (--start-at), gathers
the JSON results and merges them with the bundle's own `swiftload merge`. The exit code is the
merge's: 0, 99 when a threshold fails on the merged data, 2 when a segment is missing, interrupted
or failed (the merge refuses to call a smaller run whole).

Options after `--` go to every segment's `run` (e.g. -e KEY=VALUE, --duration, --vus).
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import ray
from ray.util.placement_group import placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy


def pack(bundle_dir):
    """The bundle folder as a gzip'd tar, in memory."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz", compresslevel=1) as tar:
        tar.add(bundle_dir, arcname="bundle")
    return data.getvalue()


@ray.remote
class Segment:
    """One segment's load generator, on the node its placement-group bundle is on."""

    def __init__(self, index, count):
        self.index = index
        self.count = count
        self.dir = tempfile.mkdtemp(prefix=f"swiftload-segment-{index}-")

    def prepare(self, archive):
        """Unpacks the bundle on this node; returns the host name, to show where it runs."""
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(self.dir, filter="tar")
        return os.uname().nodename

    def run(self, start_at, extra, pid_dir):
        """Runs the segment; returns its exit code, its result (JSON text or None) and stderr.
        The unpacked bundle (over 100 MB with its runtime) is removed afterwards, whatever happened."""
        try:
            return self._run(start_at, extra, pid_dir)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, start_at, extra, pid_dir):
        out = os.path.join(self.dir, "result.json")
        segment = f"{self.index}/{self.count}"
        command = [os.path.join(self.dir, "bundle", "run"), "-q", "--segment", segment,
                   "--start-at", f"{start_at:.3f}", "-o", f"json={out}"] + extra
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if pid_dir:
            # Where a test (or an operator) finds the segment's process to stop it.
            with open(os.path.join(pid_dir, f"segment-{self.index}.pid"), "w") as f:
                f.write(str(process.pid))
        _, stderr = process.communicate()
        result = None
        if os.path.exists(out):
            with open(out) as f:
                result = f.read()
        return process.returncode, result, stderr[-4000:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", required=True, help="a folder made by 'swiftload build'")
    parser.add_argument("--segments", type=int, required=True, help="how many segments (one per placement bundle)")
    parser.add_argument("--address", default="auto", help="the Ray cluster (default: auto)")
    parser.add_argument("--out", required=True, help="folder for the segments' results and merged.json, merged.html")
    parser.add_argument("--cpus", type=float, default=1, help="CPUs reserved per segment (default 1)")
    parser.add_argument("--strategy", default="STRICT_SPREAD", choices=["STRICT_SPREAD", "SPREAD", "PACK", "STRICT_PACK"],
                        help="placement of the segments (default STRICT_SPREAD: one node each)")
    parser.add_argument("--start-delay", type=float, default=3.0,
                        help="seconds between every segment being ready and the common start (default 3)")
    parser.add_argument("--allow-partial", action="store_true", help="merge even if a segment is missing (marked partial)")
    parser.add_argument("--pid-dir", help="write each segment's process id here as segment-N.pid")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="-- then options for every segment's run")
    args = parser.parse_args()
    extra = args.extra[1:] if args.extra[:1] == ["--"] else args.extra
    if args.segments < 1:
        parser.error("--segments must be at least 1")
    if not os.path.exists(os.path.join(args.bundle, "bundle.json")):
        parser.error(f"{args.bundle} is not a folder made by 'swiftload build'")
    os.makedirs(args.out, exist_ok=True)

    ray.init(address=args.address, logging_level="ERROR", log_to_driver=False)
    group = placement_group([{"CPU": args.cpus}] * args.segments, strategy=args.strategy)
    if not group.wait(timeout_seconds=60):
        nodes = len([n for n in ray.nodes() if n["Alive"]])
        sys.exit(f"error: cannot place {args.segments} segments of {args.cpus} CPU with {args.strategy} "
                 f"on {nodes} live node(s)")
    actors = [Segment.options(num_cpus=args.cpus, scheduling_strategy=PlacementGroupSchedulingStrategy(
        placement_group=group, placement_group_bundle_index=i)).remote(i + 1, args.segments)
        for i in range(args.segments)]
    archive = ray.put(pack(args.bundle))
    hosts = ray.get([a.prepare.remote(archive) for a in actors])
    start_at = time.time() + args.start_delay
    print(f"segments 1..{args.segments} ready on {', '.join(hosts)}; starting at {start_at:.3f}", file=sys.stderr)
    pending = {a.run.remote(start_at, extra, args.pid_dir): i + 1 for i, a in enumerate(actors)}

    paths = []
    for ref, index in pending.items():
        path = os.path.join(args.out, f"segment-{index}.json")
        try:
            code, result, stderr = ray.get(ref)
        except ray.exceptions.RayError as e:
            print(f"segment {index}/{args.segments}: lost ({type(e).__name__}); no result", file=sys.stderr)
            continue
        if result is None:
            print(f"segment {index}/{args.segments}: exit {code}, no result\n{stderr.strip()}", file=sys.stderr)
            continue
        with open(path, "w") as f:
            f.write(result)
        paths.append(path)
        print(f"segment {index}/{args.segments}: exit {code}, {path}", file=sys.stderr)
    remove_placement_group(group)
    if not paths:
        sys.exit("error: no segment produced a result")

    merge = [os.path.join(args.bundle, "run"), "merge"] + paths + [
        "-o", f"json={os.path.join(args.out, 'merged.json')}", "-o", f"html={os.path.join(args.out, 'merged.html')}"]
    if args.allow_partial:
        merge.append("--allow-partial")
    sys.exit(subprocess.run(merge).returncode)


if __name__ == "__main__":
    main()
