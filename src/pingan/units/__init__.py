"""Response units (patrol cars, e-bike and foot groups, posts, volunteers) and their positions."""
