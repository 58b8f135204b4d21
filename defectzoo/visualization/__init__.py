"""defectzoo.visualization."""
