"""The HTTP face of pingan: the API app, its dependencies, error handler and pages."""
