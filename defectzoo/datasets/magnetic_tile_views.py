"""Two more views of the magnetic-tile folders (see
:mod:`defectzoo.datasets.magnetic_tile`).

- :class:`MagneticTileDefectPairDataset`: (image, mask) pairs of the five
  defect folders only -- the training pairs of a mask-conditioned GAN
  (defect-free images are not pairs).
- :class:`MagneticTileBinaryClsDataset`: defect vs. defect-free
  classification (the Magna-Defect-GAN downstream task).

Both read any folder in the magnetic-tile layout, including the synthetic
sets ``tools/misc/sample_defects.py`` writes.
"""
from typing import List

from defectzoo.registry import DATASETS
from .magnetic_tile import (MT_FREE, MagneticTileClsDataset,
                            MagneticTileSegDataset)


@DATASETS.register_module()
class MagneticTileDefectPairDataset(MagneticTileSegDataset):
    """:class:`MagneticTileSegDataset` without the ``MT_Free`` images.

    Each sample keeps ``folder_class`` (the defect type of the guide
    vector); an empty mask is an ``InvalidDataError`` at load time
    (``check_empty_masks``), or skipped with ``skip_invalid=True``.
    """

    def load_data_list(self) -> List[dict]:
        return [
            info for info in super().load_data_list()
            if info['folder_class'] != MT_FREE
        ]


@DATASETS.register_module()
class MagneticTileBinaryClsDataset(MagneticTileClsDataset):
    """Defect (any ``MT_<Defect>`` folder) vs. defect-free (``MT_Free``).

    Labels: 0 ``free``, 1 ``defect``; arguments as
    :class:`MagneticTileClsDataset`. The split is still stratified by the
    six folders.
    """

    METAINFO = dict(classes=('free', 'defect'))

    def load_data_list(self) -> List[dict]:
        log = self._new_log()

        def parse(sample):
            return dict(
                img_path=sample.img_path,
                gt_label=int(sample.folder_class != MT_FREE))

        return self._parse_all(self._samples(log), parse, log)
