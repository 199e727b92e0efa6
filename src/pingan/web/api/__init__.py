"""The JSON API routers, one module per noun (``/api/v1/...``, ``/open311/v2``)."""
