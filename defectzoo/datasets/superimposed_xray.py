"""The user's own good radiographs as a detection training set: defects are
superimposed on the fly (``SuperimposeEllipsoidDefects`` in the pipeline)."""
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional

from defectzoo.registry import DATASETS
from ..utils.data.validation import InvalidDataError
from .coco import read_coco_json
from .xray import XRayImageFolder


@DATASETS.register_module()
class SuperimposedXRayDataset(XRayImageFolder):
    """A folder of radiographs of one part, for training on simulated
    defects (Mery 2021). Class ``defect``.

    Every image under the folder (recursively, 8/16-bit PNG/TIFF) is one
    sample with ``part_mask_path`` (when ``part_mask_dir`` holds a mask of
    the same stem) and the real defects of ``real_ann_file``: COCO annotations
    matched by file name; ``iscrowd=1`` ones are *ignore* regions (known but
    not labelled: no new defect is placed there and they are left out of
    the loss), the others are labelled defects. The pipeline must hold
    ``SuperimposeEllipsoidDefects``, which draws new defects every time.

    Args:
        data_root: the folder of radiographs (or, with ``synthetic``, the
            root of the synthetic set, see :class:`XRayImageFolder`).
        part_mask_dir: optional folder of part masks (PNG, non-zero = part).
        real_ann_file: optional COCO file of real defects / ignore regions.
        **kwargs: :class:`XRayImageFolder` arguments.
    """

    METAINFO = dict(classes=('defect', ), palette=[(220, 20, 60)])

    def __init__(self,
                 *args,
                 part_mask_dir: Optional[str] = None,
                 real_ann_file: str = '',
                 **kwargs):
        self.part_mask_dir = part_mask_dir
        self.real_ann_file = real_ann_file
        super().__init__(*args, **kwargs)

    def _real_instances(self) -> Dict[str, List[dict]]:
        if not self.real_ann_file:
            return {}
        path = self.real_ann_file
        if self.data_root and not osp.isabs(path):
            path = osp.join(self.data_root, path)
        coco = read_coco_json(path)
        names = {
            im['id']: osp.basename(im['file_name'])
            for im in coco['images']
        }
        out = defaultdict(list)
        for ann in coco.get('annotations', []):
            if ann['image_id'] not in names:
                raise InvalidDataError(
                    path, f'annotation {ann.get("id")} refers to image_id '
                    f'{ann["image_id"]}, which is not in "images"')
            x, y, w, h = ann['bbox']
            out[names[ann['image_id']]].append(
                dict(
                    bbox=[x, y, x + w, y + h],
                    bbox_label=0,
                    ignore_flag=int(bool(ann.get('iscrowd', 0)))))
        return out

    def load_data_list(self) -> List[dict]:
        """List the images, then attach part masks and real instances."""
        data_list = super().load_data_list()
        real = self._real_instances()
        for i, info in enumerate(data_list):
            name = osp.basename(info['img_path'])
            info['img_id'] = i
            info['instances'] = real.get(name, [])
            if self.part_mask_dir:
                mask = osp.join(self.part_mask_dir,
                                osp.splitext(name)[0] + '.png')
                if osp.isfile(mask):
                    info['part_mask_path'] = mask
        return data_list
