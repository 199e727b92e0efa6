"""Pure computation: arrays and plain values in and out; no database, no web.

Modules here import nothing from pingan but :mod:`pingan.errors`.
"""
