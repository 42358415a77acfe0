#!/usr/bin/python3
"""The COBA benchmark side by side with its Brian2 peer (`cmake --build build --target bench`).

Runs fearsim's configs/benchmarks/coba.yaml (static synapses) and, when asked, coba_stdp.yaml
(the same network with triplet-STDP E->E synapses) for --duration seconds of biological time on
1 and 2 threads, and Brian2's C++ standalone build of the same network (brian2_coba.py beside
this file, without OpenMP: Brian2's fastest setting on two cores), each --reps times on this
machine, and prints the median time of each simulation loop, fearsim's synaptic events per
second, and Brian2's loop time over fearsim's. Brian2 (Debian's python3-brian) and g++ are
needed for the peer; without them only fearsim is measured.

  /usr/bin/python3 configs/benchmarks/bench.py --fearsim build/fearsim [--reps 5] [--duration 10]

Timings on a machine that runs other work mean little: two-thread runs in particular are
bimodal on small VMs. Run it on an otherwise idle machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run_fearsim(exe, config, duration, threads, out_dir):
    """One run; returns (simulate seconds, synaptic events)."""
    out = os.path.join(out_dir, 'bench.h5')
    cmd = [exe, 'run', os.path.join(HERE, config), '--set', f'simulation.duration={duration} s',
           '-o', out, '--threads', str(threads), '--force', '--quiet', '--stats']
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    sim = events = None
    for line in res.stderr.splitlines() + res.stdout.splitlines():
        if line.startswith('wall simulate:'):
            sim = float(line.split()[2])
        elif line.startswith('synaptic events:'):
            events = int(line.split()[2])
    return sim, events


def run_brian2(duration):
    """One run of the peer; returns its RESULT dict, or None if Brian2 is not installed."""
    script = os.path.join(HERE, 'brian2_coba.py')
    res = subprocess.run(['/usr/bin/python3', '-W', 'ignore', script, '--duration', str(duration),
                          '--threads', '0'], capture_output=True, text=True)
    for line in res.stdout.splitlines():
        if line.startswith('RESULT '):
            return json.loads(line[7:])
    return None


def median(xs):
    return statistics.median(xs) if xs else float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--fearsim', required=True, help='the fearsim program')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--duration', type=float, default=10.0)
    ap.add_argument('--plastic', action='store_true',
                    help='also coba_stdp.yaml (triplet STDP on E->E)')
    ap.add_argument('--no-peer', action='store_true', help='skip Brian2')
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        configs = ['coba.yaml'] + (['coba_stdp.yaml'] if a.plastic else [])
        for config in configs:
            for threads in (1, 2):
                runs = [run_fearsim(a.fearsim, config, a.duration, threads, tmp)
                        for _ in range(a.reps)]
                sim = median([r[0] for r in runs])
                rows.append((f'fearsim {config}', threads, sim, runs[0][1] / sim))
    peer = None
    if not a.no_peer:
        results = [run_brian2(a.duration) for _ in range(a.reps)]
        if all(r is not None for r in results):
            peer = median([r['t_sim'] for r in results])
            rows.append(('Brian2 cpp_standalone coba', 1, peer, float('nan')))
        else:
            print('Brian2 peer not run (install python3-brian and g++ to measure it)')
    print(f'{a.duration:g} s of biological time, median of {a.reps} runs')
    print(f'{"":34s} {"threads":>7s} {"simulate (s)":>12s} {"events/s":>10s}')
    for name, threads, sim, rate in rows:
        print(f'{name:34s} {threads:7d} {sim:12.3f} {rate:10.3g}')
    if peer is not None:
        for name, threads, sim, _ in rows:
            if name == 'fearsim coba.yaml':
                print(f'Brian2 / fearsim ({threads} thread{"s" if threads > 1 else ""}): '
                      f'{peer / sim:.2f}x')
    return 0


if __name__ == '__main__':
    sys.exit(main())
