"""defectzoo.evaluation."""
