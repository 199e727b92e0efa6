"""Shipped weights of the text classifier (``weights.npz``, ``meta.json``).

Written by ``pingan text train``, read by :func:`pingan.algo.text.typemodel.shipped_model`.
"""
