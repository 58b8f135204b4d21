"""defectzoo.engine."""
