"""defectzoo.apis."""
