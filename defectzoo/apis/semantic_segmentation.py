"""Semantic segmentation: :class:`DefectSegInferencer` (mmseg's
``MMSegInferencer``)."""
from mmseg.apis import MMSegInferencer
from mmseg.models.segmentors import BaseSegmentor

from defectzoo.registry import INFERENCERS
from .base import DefectInferencerMixin, MMEngineLoadingMixin, new_visualizer
from .fields import background_index, mask_class_meta, seg_fields


@INFERENCERS.register_module()
class DefectSegInferencer(MMEngineLoadingMixin, DefectInferencerMixin,
                          MMSegInferencer):
    """Semantic segmentation on a defectzoo config or zoo name (mmseg's
    ``MMSegInferencer``). Class 0 (or a class named like background / OK)
    is "no defect"; the defect score is the highest per-pixel probability
    of not being background."""
    task = 'segmentation'
    model_types = (BaseSegmentor, )

    def __init__(self, model, weights=None, **kwargs):
        super().__init__(model, weights, **kwargs)
        meta = self.model.dataset_meta
        # mmseg's __init__ reset the visualiser to Cityscapes' classes.
        self.visualizer.set_dataset_meta(meta['classes'], meta['palette'])

    def _load_weights_to_model(self, model, checkpoint, cfg):
        mask_class_meta(
            self._load_with_meta(model, checkpoint, cfg),
            model.decode_head.num_classes)

    def _init_visualizer(self, cfg):
        return new_visualizer(
            'mmseg.SegLocalVisualizer', 'defectzoo-seg', alpha=0.5)

    def background_index(self) -> int:
        return background_index(self.class_names, self.ok_classes)

    def pred_to_dict(self, pred) -> dict:
        return seg_fields(pred, self.class_names, self.background_index())

    def draw(self, image, pred, name):
        self.visualizer.add_datasample(
            name, image, pred, draw_gt=False, show=False)
        return self.visualizer.get_image()
