"""N-way K-shot episode evaluation of a checkpoint's embeddings.

:mod:`defectzoo.cli.few_shot_eval` (also ``defectzoo-few-shot-eval``);
``--help`` shows its options and examples.
"""
import sys

from defectzoo.cli.few_shot_eval import main

if __name__ == '__main__':
    sys.exit(main())
