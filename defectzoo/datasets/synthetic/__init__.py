"""Synthetic data generators (no download needed)."""
from .xray_castings import (generate_synthetic_xray,  # noqa: F401
                            generate_xray_sample)
