"""Convert GDXray Castings (series folders + ground_truth.txt) to COCO JSON.

:mod:`defectzoo.cli.gdxray_to_coco` (also ``defectzoo-gdxray-to-coco``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.gdxray_to_coco import main

if __name__ == '__main__':
    sys.exit(main())
