"""defectzoo.models."""
