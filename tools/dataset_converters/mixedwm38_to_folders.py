"""Write MixedWM38 (``Wafer_Map_Datasets.npz``) as class folders of PNGs.

:mod:`defectzoo.cli.mixedwm38_to_folders`
(also ``defectzoo-mixedwm38-to-folders``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.mixedwm38_to_folders import main

if __name__ == '__main__':
    sys.exit(main())
