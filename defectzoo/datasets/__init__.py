"""defectzoo.datasets."""
