"""Users, roles granted on jurisdiction subtrees, tokens and the authorisation policy."""
