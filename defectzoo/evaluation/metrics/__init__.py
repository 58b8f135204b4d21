"""defectzoo.evaluation.metrics."""
