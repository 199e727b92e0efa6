"""The anti-fraud desk (反诈): screening a described situation, warnings and dissuasion.

The screening itself is the pure core :mod:`pingan.algo.text.fraud`; this package holds
the services around it, one job per module (:mod:`pingan.antifraud.screening`).
"""
