"""Write the synthetic surface-defect images in the NEU-DET layout.

:mod:`defectzoo.cli.generate_synthetic_surface`
(also ``defectzoo-generate-synthetic-surface``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.generate_synthetic_surface import main

if __name__ == '__main__':
    sys.exit(main())
