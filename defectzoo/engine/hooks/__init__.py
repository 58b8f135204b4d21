"""defectzoo.engine.hooks."""
