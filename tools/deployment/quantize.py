"""INT8 post-training quantisation of a classifier (PyTorch, x86 backend);

:mod:`defectzoo.cli.quantize` (also ``defectzoo-quantize``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.quantize import main

if __name__ == '__main__':
    sys.exit(main())
