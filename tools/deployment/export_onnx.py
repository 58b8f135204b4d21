"""Export a model to ONNX (dynamic batch) and check it with ONNX Runtime.

:mod:`defectzoo.cli.export_onnx` (also ``defectzoo-export-onnx``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.export_onnx import main

if __name__ == '__main__':
    sys.exit(main())
