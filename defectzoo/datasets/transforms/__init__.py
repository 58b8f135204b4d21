"""defectzoo.datasets.transforms."""
