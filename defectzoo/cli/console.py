"""A clean console: mmengine's noise and known third-party warnings
hidden (the log file keeps them)."""
import argparse
import logging
import re
import warnings

#: Console lines dropped by :func:`quiet_console` (regular expressions
#: matched at the start of the message): mmengine's hook table, its line
#: per parameter with a ``paramwise_cfg`` option (hundreds for a Swin) or
#: shared by two modules with ``bypass_duplicate=True`` (RTMDet's head),
#: and the deprecation notices mmengine's own ``CheckpointHook`` triggers
#: (it creates a ``FileClient``).
QUIET_LOG_MESSAGES = (
    r'Hooks will be executed in the following order',
    r'paramwise_options -- ',
    r'\S+ is duplicate\. It is skipped since bypass_duplicate=True',
    r'"FileClient" will be deprecated in future',
    r'"HardDiskBackend" is the alias of "LocalBackend"',
)

#: Python warnings hidden by :func:`quiet_console`: (category, message
#: regex, module regex of the code that triggers them). Raised by
#: third-party code, and nothing a defectzoo user can act on.
QUIET_WARNINGS = (
    # mmdet 3.3's CSPDarknet / SELayer call torch.cuda.amp.autocast
    (FutureWarning, r'`torch\.cuda\.amp\.autocast\(args\.\.\.\)` is '
     r'deprecated', r'mmdet\.'),
    # mmdet 3.3's MlvlPointGenerator (RTMDet priors); torch reports it
    # from torch.functional, whoever calls
    (UserWarning, r'torch\.meshgrid: in an upcoming release, it will be '
     r'required to pass the indexing argument', r'torch\.functional'),
    # mmseg 1.2's BaseDecodeHead builds its losses with its own deprecated
    # build_loss (Defect-Aux-Net's and the segmentors' heads)
    (UserWarning, r'``build_loss`` would be deprecated soon',
     r'mmseg\.models\.builder'),
    # mmdet's DetVisualizationHook (tools/test.py --show-dir) draws boxes
    # clipped to the image, x2 == width, which mmengine takes as outside
    # (defectzoo's own drawing clips them: clip_boxes_for_drawing)
    (UserWarning, r'Warning: The (bbox|polygon) is out of bounds',
     r'mmengine\.visualization\.visualizer'),
)


class ConsoleFilter(logging.Filter):
    """Drop the log records whose message matches one of
    :data:`QUIET_LOG_MESSAGES` (on a console handler: the log file keeps
    them)."""
    PATTERN = re.compile('|'.join(f'(?:{p})' for p in QUIET_LOG_MESSAGES))

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str)
                    and self.PATTERN.match(record.msg))


_console = dict(verbose=True)


def hide_on_console(logger: logging.Logger) -> None:
    """Add a :class:`ConsoleFilter` to ``logger``'s console handlers (not
    to its file handlers) unless it has one."""
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler) or any(
                isinstance(f, ConsoleFilter) for f in handler.filters):
            continue
        handler.addFilter(ConsoleFilter())


def add_verbose_arg(parser: argparse.ArgumentParser) -> None:
    """``--verbose``: everything on the console (:func:`quiet_console`)."""
    parser.add_argument(
        '--verbose',
        action='store_true',
        help="also print mmengine's hook table, its per-parameter "
        'optimizer-option lines and known third-party deprecation notices '
        '(the log file always has them)')


def quiet_console(verbose: bool = False) -> None:
    """A clean console for a tool's runs (``tools/train.py`` /
    ``tools/test.py`` without ``--verbose``).

    The logger of every Runner built afterwards in this process gets a
    :class:`ConsoleFilter` on its console handler (mmengine's
    ``Runner.build_logger`` is wrapped): mmengine's table "Hooks will be
    executed in the following order" (mmengine has no switch for it), its
    per-parameter ``paramwise_cfg`` lines and its ``FileClient``
    deprecation notices (:data:`QUIET_LOG_MESSAGES`) are not printed; the
    log file in the work directory keeps them. The Python warnings of
    :data:`QUIET_WARNINGS` (third-party code) are ignored. With
    ``verbose=True`` the Runners built afterwards print everything, as
    mmengine does.
    """
    from mmengine.runner import Runner
    _console['verbose'] = verbose
    if not getattr(Runner.build_logger, '_defectzoo_quiet', False):
        build_logger = Runner.build_logger

        def build_quiet_logger(self, *args, **kwargs):
            logger = build_logger(self, *args, **kwargs)
            if not _console['verbose']:
                hide_on_console(logger)
            return logger

        build_quiet_logger._defectzoo_quiet = True
        build_quiet_logger.__doc__ = build_logger.__doc__
        Runner.build_logger = build_quiet_logger
    if not verbose:
        for category, message, module in QUIET_WARNINGS:
            warnings.filterwarnings(
                'ignore', message=message, category=category, module=module)
