"""The command line, the top layer of the package (nothing imports it).

One module per command, each with ``parse_args(argv=None)`` and
``main(argv=None)`` (the console scripts of ``setup.py``,
``defectzoo-<command>``, and the scripts of ``tools/`` call ``main``);
commands that return results have them from ``run(argv=None)``. What the
commands share: ``--cfg-options`` checks (:mod:`.config_options`), one-line
errors (:mod:`.errors`, :mod:`.train_errors`), ``--launcher`` and signals
(:mod:`.launcher`), the work directory (:mod:`.work_dir`), the hooks the
tools add (:mod:`.run_hooks`), ``--tta`` (:mod:`.tta`) and a quiet console
(:mod:`.console`).
"""
