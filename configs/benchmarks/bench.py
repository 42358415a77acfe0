#!/usr/bin/python3
"""fearsim's benchmarks side by side with the Brian2 peer (`cmake --build build --target bench`).

Runs fearsim's configs/benchmarks/coba.yaml (static synapses) for --duration seconds of
biological time on 1 and 2 threads, and Brian2's C++ standalone build of the same network
(brian2_coba.py beside this file, without OpenMP: Brian2's fastest setting on two cores), each
--reps times on this machine, and prints for each the median time of the simulation loop, ns
per neuron update, synaptic events per second, peak memory, and Brian2's loop time over
fearsim's. The peer counts each neuron's spikes and writes none, so COBA is also run without
coba.yaml's spike file (`record.spikes=none`), the same work as the peer's; both ratios are
printed. Brian2 (Debian's python3-brian) and g++ are needed for the peer; without them only
fearsim is measured.

  --plastic  also COBA with plastic E->E synapses: coba_plastic.yaml (Graupner-Brunel, the
             fear circuit's rule) and coba_stdp.yaml (triplet STDP), and their cost per
             synaptic event beside static COBA's
  --fear     also one full-scale session of the fear circuit (fear_session.yaml: the
             conditioning day of ketamine_extinction.yaml at scale 1), once per thread count
  --memory   only the memory per synapse: fearsim's and Brian2's peak memory at connection
             probabilities 0.02 and 0.1, divided by the synapses added (static COBA, and
             plastic COBA's E->E synapses; Brian2's plastic program with --plastic as well)
  --scaling  only the fear circuit at scales 0.1, 1, 3 and 10 (--scales), one conditioning
             trial at 00:01 (5 s of network time: a 3-s tone ending in the shock, 1 s either
             side, after 1 min of slow phase) on
             1 and 2 threads: wall time per second of network time, ns per neuron update,
             events per second, peak memory, and the speed-up of 2 threads

  /usr/bin/python3 configs/benchmarks/bench.py --fearsim build/fearsim [--reps 5] [--duration 10]

Timings on a machine that runs other work mean little: two-thread runs in particular are
bimodal on small VMs. Run it on an otherwise idle machine.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def stat_value(text, label):
    """The first number after `label` on a line of fearsim's --stats output, or None."""
    for line in text.splitlines():
        if line.startswith(label):
            return float(line[len(label):].split()[0])
    return None


def fast_work(exe, config, sets):
    """(steps of the fast phases, neurons), as `fearsim check` counts them."""
    res = subprocess.run([exe, 'check', os.path.join(HERE, config)] + sets,
                         capture_output=True, text=True, check=True)
    m = re.search(r'\((\d+) steps of (\d+) neurons\)', res.stdout)
    return int(m.group(1)), int(m.group(2))


def neuron_updates(exe, config, sets):
    """Steps of the fast phases times neurons."""
    steps, neurons = fast_work(exe, config, sets)
    return steps * neurons


def run_fearsim(exe, config, sets, threads, out_dir):
    """One run; returns {'sim': loop seconds, 'events', 'peak_mib', 'synapses'}."""
    out = os.path.join(out_dir, 'bench.h5')
    cmd = [exe, 'run', os.path.join(HERE, config)] + sets + [
        '-o', out, '--threads', str(threads), '--force', '--quiet', '--stats']
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    text = res.stdout + res.stderr
    return dict(sim=stat_value(text, 'wall simulate:'), events=stat_value(text, 'synaptic events:'),
                peak_mib=stat_value(text, 'peak memory:'), synapses=stat_value(text, 'synapses:'))


def run_peer(script, args):
    """One run of a Brian2 script; returns its RESULT dict, or None without Brian2."""
    res = subprocess.run(['/usr/bin/python3', '-W', 'ignore', os.path.join(HERE, script)] + args,
                         capture_output=True, text=True)
    for line in res.stdout.splitlines():
        if line.startswith('RESULT '):
            return json.loads(line[7:])
    return None


NO_SPIKE_FILE = 'fearsim coba.yaml, no spike file'


def median(xs):
    return statistics.median(xs) if xs else float('nan')


def measure(a, tmp, name, config, sets, threads, reps):
    """Median of reps runs as a row: (name, threads, loop s, ns/update, events/s, peak MiB)."""
    runs = [run_fearsim(a.fearsim, config, sets, threads, tmp) for _ in range(reps)]
    sim = median([r['sim'] for r in runs])
    updates = neuron_updates(a.fearsim, config, sets)
    return (name, threads, sim, sim / updates * 1e9, runs[0]['events'] / sim,
            max(r['peak_mib'] for r in runs))


def print_rows(rows):
    print(f'{"":34s} {"threads":>7s} {"loop (s)":>9s} {"ns/update":>9s} {"events/s":>9s} '
          f'{"peak MiB":>8s}')
    for name, threads, sim, ns, rate, peak in rows:
        print(f'{name:34s} {threads:7d} {sim:9.3f} {ns:9.2f} {rate:9.3g} {peak:8.1f}')


def timings(a, tmp):
    duration = ['--set', f'simulation.duration={a.duration} s']
    rows = [measure(a, tmp, 'fearsim coba.yaml', 'coba.yaml', duration, t, a.reps)
            for t in (1, 2)]
    # The peer keeps a spike count per neuron and writes no spikes; coba.yaml writes every spike
    # to HDF5 (shuffled and deflated, in the loop): the same work as the peer's is without it.
    rows += [measure(a, tmp, NO_SPIKE_FILE, 'coba.yaml',
                     duration + ['--set', 'record.spikes=none'], t, a.reps) for t in (1, 2)]
    if a.plastic:
        rows += [measure(a, tmp, f'fearsim {c}', c, duration, t, a.reps)
                 for c in ('coba_plastic.yaml', 'coba_stdp.yaml') for t in (1, 2)]
    peer = None
    if not a.no_peer:
        results = [run_peer('brian2_coba.py', ['--duration', str(a.duration), '--threads', '0'])
                   for _ in range(a.reps)]
        if all(r is not None for r in results):
            peer = median([r['t_sim'] for r in results])
            rows.append(('Brian2 cpp_standalone coba', 1, peer,
                         peer / (a.duration * 1e4 * 4000) * 1e9, float('nan'), float('nan')))
        else:
            print('Brian2 peer not run (install python3-brian and g++ to measure it)')
    if a.fear:
        rows += [measure(a, tmp, 'fearsim fear_session.yaml', 'fear_session.yaml', [], t, 1)
                 for t in a.fear_threads]
    print(f'{a.duration:g} s of biological time (COBA), median of {a.reps} runs; '
          f'the fear session once')
    print_rows(rows)
    static = {t: rate for name, t, _, _, rate, _ in rows if name == 'fearsim coba.yaml'}
    for name, threads, sim, _, rate, _ in rows:
        if name in ('fearsim coba.yaml', NO_SPIKE_FILE) and peer is not None:
            what = ', no spike file as the peer' if name == NO_SPIKE_FILE else ''
            print(f'Brian2 / fearsim ({threads} thread{"s" if threads > 1 else ""}{what}): '
                  f'{peer / sim:.2f}x')
        if name.startswith('fearsim coba_') and threads in static:
            print(f'{name[8:]} / static, time per synaptic event ({threads} thread'
                  f'{"s" if threads > 1 else ""}): {static[threads] / rate:.2f}x')


def bytes_per_synapse(low, high):
    """Peak memory added per synapse added, from two runs (KiB, synapses)."""
    return (high[0] - low[0]) * 1024.0 / (high[1] - low[1])


def memory(a, tmp):
    short = ['--set', 'simulation.duration=0.1 s']
    print('memory per synapse: peak memory at p = 0.02 and 0.1, one thread, 0.1 s')
    print(f'{"":30s} {"synapses":>19s} {"peak KiB":>17s} {"B/synapse":>9s}')
    for name, config, projs in (('fearsim coba.yaml (static)', 'coba.yaml', range(4)),
                                ('fearsim coba_plastic.yaml (E->E)', 'coba_plastic.yaml', [0])):
        pts = []
        for p in (0.02, 0.1):
            sets = short + [x for k in projs for x in ('--set', f'projections[{k}].connect.p={p}')]
            r = run_fearsim(a.fearsim, config, sets, 1, tmp)
            pts.append((r['peak_mib'] * 1024.0, r['synapses']))
        print(f'{name:30s} {pts[0][1]:9.0f} {pts[1][1]:9.0f} {pts[0][0]:8.0f} {pts[1][0]:8.0f} '
              f'{bytes_per_synapse(*pts):9.1f}')
    if a.no_peer:
        return
    pts = [run_peer('brian2_coba.py', ['--duration', '0.1', '--p', str(p), '--memory'])
           for p in (0.02, 0.1)]
    if any(r is None for r in pts):
        print('Brian2 peer not run (install python3-brian and g++ to measure it)')
        return
    pts = [(r['peak_kib'], r['n_syn']) for r in pts]
    print(f'{"Brian2 coba (static)":30s} {pts[0][1]:9.0f} {pts[1][1]:9.0f} {pts[0][0]:8.0f} '
          f'{pts[1][0]:8.0f} {bytes_per_synapse(*pts):9.1f}')
    if not a.plastic:
        return
    # 1 ms: Brian2 integrates every plastic synapse every step (183 s for 0.1 s at p = 0.1)
    pts = [run_peer('brian2_coba_plastic.py', ['--duration', '0.001', '--p', str(p), '--memory'])
           for p in (0.02, 0.1)]
    if any(r is None for r in pts):
        return
    pts = [(r['peak_kib'], r['n_syn']) for r in pts]
    print(f'{"Brian2 coba_plastic (E->E)":30s} {pts[0][1]:9.0f} {pts[1][1]:9.0f} {pts[0][0]:8.0f} '
          f'{pts[1][0]:8.0f} {bytes_per_synapse(*pts):9.1f}')


FEAR_DT = 1e-4  # fear_session.yaml's dt, s
SCALING_TRIAL = ['--set', 'protocol.days[0].sessions[0].trials=1',
                 '--set', 'protocol.days[0].sessions[0].time=00:01',  # 1 min of slow phase only
                 '--set', 'protocol.defaults.cs_duration=3 s', '--set', 'protocol.defaults.us.at=1 s',
                 '--set', 'protocol.defaults.iti=1 s']


def scaling(a, tmp):
    print(f'fear circuit, one conditioning trial (5 s of network time), median of {a.reps} runs')
    print(f'{"scale":>6s} {"neurons":>8s} {"synapses":>9s} {"threads":>7s} {"s per s":>8s} '
          f'{"ns/update":>9s} {"events/s":>9s} {"peak MiB":>8s} {"speed-up":>8s}')
    for scale in a.scales:
        sets = ['--set', f'circuit.scale={scale}'] + SCALING_TRIAL
        steps, neurons = fast_work(a.fearsim, 'fear_session.yaml', sets)
        one = None
        for threads in (1, 2):
            runs = [run_fearsim(a.fearsim, 'fear_session.yaml', sets, threads, tmp)
                    for _ in range(a.reps)]
            sim = median([r['sim'] for r in runs])
            one = one or sim
            print(f'{scale:6g} {neurons:8d} {runs[0]["synapses"]:9.0f} {threads:7d} '
                  f'{sim / (steps * FEAR_DT):8.3f} {sim / (steps * neurons) * 1e9:9.2f} '
                  f'{runs[0]["events"] / sim:9.3g} {max(r["peak_mib"] for r in runs):8.1f} '
                  f'{one / sim:8.2f}')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--fearsim', required=True, help='the fearsim program')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--duration', type=float, default=10.0)
    ap.add_argument('--plastic', action='store_true', help='also COBA with plastic E->E')
    ap.add_argument('--fear', action='store_true', help='also a full-scale fear-circuit session')
    ap.add_argument('--fear-threads', type=int, nargs='+', default=[2],
                    help='thread counts of the fear session (default 2)')
    ap.add_argument('--memory', action='store_true', help='only the memory per synapse')
    ap.add_argument('--scaling', action='store_true', help='only the fear circuit at 4 scales')
    ap.add_argument('--scales', type=float, nargs='+', default=[0.1, 1, 3, 10])
    ap.add_argument('--no-peer', action='store_true', help='skip Brian2')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if a.memory:
            memory(a, tmp)
        elif a.scaling:
            scaling(a, tmp)
        else:
            timings(a, tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
