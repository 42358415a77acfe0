#!/usr/bin/python3
"""The peer of configs/benchmarks/coba_plastic.yaml: Brian2's COBA network (as
configs/benchmarks/brian2_coba.py builds it) with the same Graupner-Brunel rule on E->E, written in
Brian2's equations. Brian2 has no event-driven form for a rule whose efficacy depends on the
time calcium spends above thresholds, so calcium and efficacy are clock-driven per synapse
(Heun, which Brian2 needs for multiplicative noise; dt = 0.1 ms): the usual way, and the cost fearsim's event-driven synapses
avoid. Prints one line 'RESULT {json}' like coba.py.

  /usr/bin/python3 configs/benchmarks/brian2_coba_plastic.py --duration 1 --threads 0
With --memory and --p, as brian2_coba.py: the compiled program's peak memory and synapses at
E->E connection probability p.
"""
import json
import os
import sys
import tempfile
import time

import numpy as np
from brian2 import Synapses, Network, device, ms, second

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_coba import NS, P_CONN, WE, coba_neurons, peak_memory, standalone  # noqa: E402
# Graupner & Brunel 2012, "dp" set (docs/model.md §S4.2), as fearsim's preset
GB = dict(tau_ca=20 * ms, c_pre=1.0, c_post=2.0, theta_d=1.0, theta_p=1.3, gamma_d=200.0,
          gamma_p=321.808, sigma=2.8284, tau_rho=150 * second, rho_star=0.5, D=13.7 * ms, b=5.0)
W_DOWN = WE / GB['b']  # an UP synapse weighs WE, as in coba_plastic.yaml


def main():
    a = standalone(__doc__)
    ns = dict(NS, W_DOWN=W_DOWN, **GB)
    P = coba_neurons(ns)
    PE, PI = P[:3200], P[3200:]
    Cee = Synapses(PE, PE, '''
        dc/dt = -c/tau_ca : 1 (clock-driven)
        drho/dt = (-rho*(1 - rho)*(rho_star - rho) + gamma_p*(1 - rho)*int(c > theta_p)
                   - gamma_d*rho*int(c > theta_d))/tau_rho
                  + sigma*sqrt((int(c > theta_d) + int(c > theta_p))/tau_rho)*xi : 1 (clock-driven)
        ''', on_pre={'pre': 'ge_post += W_DOWN*(1 + (b - 1)*clip(rho, 0, 1))',
                     'calcium': 'c += c_pre'},
        on_post='c += c_post', method='heun', namespace=ns)
    Cee.connect(p=a.p)  # --p moves the plastic E->E synapses only
    Cee.calcium.delay = GB['D']
    Cee.rho = 1.0
    Cei = Synapses(PE, PI, on_pre='ge_post += WE', namespace=ns)
    Cei.connect(p=P_CONN)
    Ci = Synapses(PI, P, on_pre='gi_post += WI', namespace=ns)
    Ci.connect(p=P_CONN)
    net = Network(P, Cee, Cei, Ci)
    net.run(a.duration * second, namespace={})
    if a.memory:
        out = dict(model='coba_plastic', p=a.p, **peak_memory('b2_coba_plastic_mem_'))
        print('RESULT ' + json.dumps(out))
        return 0
    d = tempfile.mkdtemp(prefix='b2_coba_plastic_')
    tic = time.perf_counter()
    device.build(directory=d, compile=True, run=True, clean=True, with_output=False)
    out = dict(model='coba_plastic', threads=a.threads, duration=a.duration,
               t_build=time.perf_counter() - tic, t_main=device.timers['run_binary'],
               t_sim=device._last_run_time, n_syn_plastic=int(len(Cee)))
    nspk = np.asarray(P.nspk[:])
    out['rate_E'] = float(nspk[:3200].sum() / 3200 / a.duration)
    out['rate_I'] = float(nspk[3200:].sum() / 800 / a.duration)
    out['rho_mean'] = float(np.mean(Cee.rho[:]))
    print('RESULT ' + json.dumps(out))


if __name__ == '__main__':
    sys.exit(main())
