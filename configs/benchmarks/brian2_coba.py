#!/usr/bin/python3
"""The peer of configs/benchmarks/coba.yaml: the COBA network of Brette et al. 2007 (benchmark 1;
Vogels & Abbott 2005) in Brian2's C++ standalone mode, with the same neurons, synapses and
initial state. Prints one line 'RESULT {json}': rates, synapse count, and the timings t_sim
(Brian2's simulation loop alone) and t_main (the whole compiled binary).

  /usr/bin/python3 configs/benchmarks/brian2_coba.py --duration 10 --threads 0
(--threads 0: no OpenMP, Brian2's fastest setting on two cores.) With --memory the compiled
program runs alone under /usr/bin/time (the Python process that generated it left out) and
the line gives its peak resident memory (peak_kib) and the synapses it held (from its results
folder); --p sets the connection probability (COBA's 0.02).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, Network, defaultclock, device, set_device, prefs,
                    seed, ms, mV, second)

TAUM, TAUE, TAUI = 20 * ms, 5 * ms, 10 * ms
EL, VT, VR, EE, EI = -60 * mV, -50 * mV, -60 * mV, 0 * mV, -80 * mV
TREF = 5 * ms
WE, WI = 0.6, 6.7  # 6 nS and 67 nS in units of the leak conductance (10 nS)
P_CONN = 0.02
NS = dict(EL=EL, EE=EE, EI=EI, TAUM=TAUM, TAUE=TAUE, TAUI=TAUI, VT=VT, VR=VR, WE=WE, WI=WI)


def coba_neurons(ns):
    """The 4000 neurons with COBA's initial state (each counts its spikes in nspk)."""
    P = NeuronGroup(4000, '''dv/dt = (EL - v + ge*(EE - v) + gi*(EI - v)) / TAUM : volt (unless refractory)
                             dge/dt = -ge/TAUE : 1
                             dgi/dt = -gi/TAUI : 1
                             nspk : integer''',
                    threshold='v > VT', reset='v = VR; nspk += 1', refractory=TREF,
                    method='euler', namespace=ns)
    P.v = 'EL + (randn()*5 - 5)*mV'
    P.ge = 'randn()*1.5 + 4'
    P.gi = 'randn()*12 + 20'
    return P


def standalone(doc):
    """Parses --duration, --threads and --seed, and sets Brian2 up for a C++ standalone build
    at dt = 0.1 ms with that seed; returns the arguments."""
    ap = argparse.ArgumentParser(description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--duration', type=float, default=1.0)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--seed', type=int, default=12345)
    ap.add_argument('--p', type=float, default=P_CONN, help='connection probability')
    ap.add_argument('--memory', action='store_true',
                    help='measure the peak memory of the compiled program alone')
    a = ap.parse_args()
    set_device('cpp_standalone', build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = a.threads
    defaultclock.dt = 0.1 * ms
    seed(a.seed)
    return a


def peak_memory(prefix):
    """Compiles the network set up so far into a fresh folder and runs its program alone under
    /usr/bin/time; returns {'peak_kib', 'n_syn'}, the synapses counted from the results folder
    (one int32 presynaptic index per synapse)."""
    d = tempfile.mkdtemp(prefix=prefix)
    device.build(directory=d, compile=True, run=False, clean=True, with_output=False)
    res = subprocess.run(['/usr/bin/time', '-f', 'PEAK %M', './main'], cwd=d,
                         capture_output=True, text=True, check=True)
    peak = [int(line.split()[1]) for line in res.stderr.splitlines() if line.startswith('PEAK ')]
    pre = glob.glob(os.path.join(d, 'results', '_dynamic_array_*__synaptic_pre*'))
    return dict(peak_kib=peak[-1], n_syn=sum(os.path.getsize(f) // 4 for f in pre))


def main():
    a = standalone(__doc__)
    ns = NS
    P = coba_neurons(ns)
    PE, PI = P[:3200], P[3200:]
    Ce = Synapses(PE, P, on_pre='ge_post += WE', namespace=ns)
    Ce.connect(p=a.p)
    Ci = Synapses(PI, P, on_pre='gi_post += WI', namespace=ns)
    Ci.connect(p=a.p)
    net = Network(P, Ce, Ci)
    net.run(a.duration * second, namespace={})
    if a.memory:
        print('RESULT ' + json.dumps(dict(model='coba', p=a.p, **peak_memory('b2_coba_mem_'))))
        return 0
    d = tempfile.mkdtemp(prefix='b2_coba_')
    tic = time.perf_counter()
    device.build(directory=d, compile=True, run=True, clean=True, with_output=False)
    out = dict(model='coba', threads=a.threads, duration=a.duration,
               t_build=time.perf_counter() - tic, t_main=device.timers['run_binary'],
               t_sim=device._last_run_time, n_syn=int(len(Ce) + len(Ci)))
    nspk = np.asarray(P.nspk[:])
    out['rate_E'] = float(nspk[:3200].sum() / 3200 / a.duration)
    out['rate_I'] = float(nspk[3200:].sum() / 800 / a.duration)
    print('RESULT ' + json.dumps(out))


if __name__ == '__main__':
    sys.exit(main())
