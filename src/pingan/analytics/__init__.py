"""Analysis of incidents: hot-spot forecasts, near repeat, series, statistics."""
