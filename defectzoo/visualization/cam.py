"""Class activation maps (the ``grad-cam`` package) for defectzoo models.

The thesis (ch. 4.3.5) compares Grad-CAM, Grad-CAM++, Score-CAM and Guided
Grad-CAM and shows operators Grad-CAM heatmaps. Here any method of
``pytorch_grad_cam`` runs on any layer of a classifier (mmpretrain
classifiers incl. MVGG19's multipath model and KD students, the SCL gallery
classifier: the class score is its gallery similarity; Defect-Aux-Net's
classification head) or, per detected
box, of an mmdet detector.
"""
import difflib
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from defectzoo.deploy.wrappers import DeployClassifier
from defectzoo.models.utils.normalize import PreprocessNormalize


def signed_2d_projection(activations: np.ndarray) -> np.ndarray:
    """EigenCAM's map, the activations' first principal component per
    image, with its sign fixed: the sign of an SVD component is arbitrary,
    so ``pytorch_grad_cam``'s projection may light the background instead
    of the object. We orient it to correlate positively with the
    activation magnitude, then ReLU. ``(N, C, H, W) -> (N, H, W)``."""
    maps = []
    for a in np.nan_to_num(activations):
        flat = a.reshape(a.shape[0], -1).T
        centred = flat - flat.mean(0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        proj = centred @ vt[0]
        magnitude = flat.sum(1)
        if proj @ (magnitude - magnitude.mean()) < 0:
            proj = -proj
        maps.append(np.maximum(proj, 0).reshape(a.shape[1:]))
    return np.float32(maps)


def cam_methods() -> Dict[str, type]:
    import pytorch_grad_cam as pgc

    class EigenCAM(pgc.EigenCAM):
        """pytorch-grad-cam's EigenCAM with the component's sign fixed."""

        def get_cam_image(self, input_tensor, target_layer, target,
                          activations, grads, eigen_smooth):
            return signed_2d_projection(activations)

    return {
        'gradcam': pgc.GradCAM,
        'gradcam++': pgc.GradCAMPlusPlus,
        'scorecam': pgc.ScoreCAM,
        'eigencam': EigenCAM,
        'xgradcam': pgc.XGradCAM,
        'layercam': pgc.LayerCAM,
        'eigengradcam': pgc.EigenGradCAM,
        'hirescam': pgc.HiResCAM,
    }


def resolve_layer(model: nn.Module, name: str) -> nn.Module:
    """The submodule ``name`` of ``model`` (``backbone.layer4.1``), or a
    ValueError naming the closest existing layers."""
    try:
        return model.get_submodule(name)
    except AttributeError:
        names = [n for n, _ in model.named_modules() if n]
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        convs = [
            n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)
        ][-3:]
        raise ValueError(
            f'target layer {name!r} does not exist in '
            f'{type(model).__name__}; ' +
            (f'did you mean {close}? ' if close else '') +
            f'the last convolutions are {convs} (set --target-layers to '
            'a name from model.named_modules())') from None


def default_target_layer(model: nn.Module) -> str:
    """A sensible layer per backbone: ResNet's last stage (its last block),
    for other backbones (VGG / MVGG19, ...) the module holding the last
    convolution of the backbone (after its activation where there is one).
    """
    backbone = getattr(model, 'backbone', model)
    prefix = 'backbone.' if backbone is not model else ''
    res_layers = getattr(backbone, 'res_layers', None)
    if res_layers:
        return f'{prefix}{res_layers[-1]}'
    last = None
    for name, module in backbone.named_modules():
        if isinstance(module, nn.Conv2d):
            last = name
    if last is None:
        raise ValueError(f'{type(backbone).__name__} has no Conv2d: give '
                         '--target-layers explicitly')
    # mmcv ConvModule 'features.16.conv' -> 'features.16' (conv+norm+act).
    parent = last.rsplit('.', 1)[0] if last.endswith('.conv') else last
    return prefix + parent


def _build_cam(model, wrapper, method, target_layers):
    """``(layer names, CAM object)`` of ``method`` on ``wrapper``."""
    methods = cam_methods()
    if method not in methods:
        raise ValueError(f'unknown CAM method {method!r}; choose from '
                         f'{sorted(methods)}')
    names = list(target_layers or [default_target_layer(model)])
    layers = [resolve_layer(model, n) for n in names]
    return names, methods[method](model=wrapper, target_layers=layers)


def to_rgb_float(image: torch.Tensor, bgr: bool = True) -> np.ndarray:
    """``(3, H, W)`` 0-255 tensor -> ``(H, W, 3)`` RGB float in [0, 1]."""
    img = image.detach().float().permute(1, 2, 0).cpu().numpy() / 255
    return np.ascontiguousarray(img[..., ::-1] if bgr else img).clip(0, 1)


class ClassifierCAM:
    """CAMs of a classifier's class score.

    Args:
        model: the classifier (eval mode).
        method: a key of :func:`cam_methods`.
        target_layers: layer names; default :func:`default_target_layer`.
    """

    def __init__(self,
                 model: nn.Module,
                 method: str = 'gradcam',
                 target_layers: Optional[Sequence[str]] = None):
        self.model = model.eval()
        self.wrapper = DeployClassifier(self.model, softmax=False).eval()
        self.target_layers, self.cam = _build_cam(self.model, self.wrapper,
                                                  method, target_layers)
        if method == 'scorecam':
            self.cam.batch_size = 16

    def __call__(self,
                 images: torch.Tensor,
                 target_category: Optional[int] = None):
        """``images``: ``(N, 3, H, W)`` 0-255. Returns ``(cams (N, H, W) in
        [0, 1], predicted classes (N,))``."""
        from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
        images = images.float()
        with torch.no_grad():
            preds = self.wrapper(images).argmax(1)
        cats = preds.tolist() if target_category is None else \
            [target_category] * len(images)
        cams = self.cam(
            input_tensor=images,
            targets=[ClassifierOutputTarget(c) for c in cats])
        return cams, preds


class _DetectorOutputs(nn.Module):
    """mmdet detector -> per-image ``dict(boxes, labels, scores)`` (what
    ``pytorch_grad_cam``'s detection targets read), differentiable."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model
        self.normalize = PreprocessNormalize(model.data_preprocessor)

    def forward(self, images: torch.Tensor) -> List[dict]:
        from mmdet.structures import DetDataSample
        h, w = images.shape[2:]
        samples = []
        for _ in range(len(images)):
            s = DetDataSample()
            s.set_metainfo(
                dict(
                    img_shape=(h, w),
                    ori_shape=(h, w),
                    pad_shape=(h, w),
                    batch_input_shape=(h, w),
                    scale_factor=(1.0, 1.0)))
            samples.append(s)
        # mmdet's dense heads detach the per-level outputs before decoding
        # (select_single_mlvl(detach=True)); CAM needs the gradient of a
        # box's score, so they are kept attached while we predict.
        import mmdet.models.dense_heads.base_dense_head as dense
        select = dense.select_single_mlvl
        dense.select_single_mlvl = \
            lambda mlvl, img_id, detach=True: select(mlvl, img_id, False)
        try:
            results = self.model.predict(
                self.normalize(images), samples, rescale=False)
        finally:
            dense.select_single_mlvl = select
        return [
            dict(
                boxes=r.pred_instances.bboxes,
                labels=r.pred_instances.labels,
                scores=r.pred_instances.scores) for r in results
        ]


class DetectorCAM:
    """One CAM per detected box (``FasterRCNNBoxScoreTarget`` of
    pytorch-grad-cam: the box's score plus its IoU with the re-detected
    box), for mmdet detectors (Faster R-CNN, RetinaNet, ...)."""

    def __init__(self,
                 model: nn.Module,
                 method: str = 'gradcam',
                 target_layers: Optional[Sequence[str]] = None):
        self.model = model.eval()
        self.wrapper = _DetectorOutputs(self.model)
        self.target_layers, self.cam = _build_cam(self.model, self.wrapper,
                                                  method, target_layers)

    def __call__(self,
                 image: torch.Tensor,
                 score_thr: float = 0.3,
                 max_boxes: int = 5):
        """``image``: ``(3, H, W)`` 0-255. Returns a list of
        ``(box (4,), label, score, cam (H, W))``, best boxes first."""
        from pytorch_grad_cam.utils.model_targets import \
            FasterRCNNBoxScoreTarget
        x = image[None].float()
        with torch.no_grad():
            det = self.wrapper(x)[0]
        keep = (det['scores'] >= score_thr).nonzero().flatten()[:max_boxes]
        out = []
        for i in keep.tolist():
            box, label = det['boxes'][i], int(det['labels'][i])
            target = FasterRCNNBoxScoreTarget(
                labels=[label], bounding_boxes=[box.numpy()])
            cam = self.cam(input_tensor=x, targets=[target])[0]
            out.append((box.numpy(), label, float(det['scores'][i]), cam))
        return out


def cam_energy_in_mask(cam: np.ndarray, mask: np.ndarray) -> float:
    """Share of the CAM's total energy that falls inside ``mask`` (both
    ``(H, W)``; the mask > 0 is the defect). A CAM spread evenly over the
    image scores the mask's area fraction."""
    cam = np.asarray(cam, dtype=np.float64)
    total = cam.sum()
    if total <= 0:
        return 0.0
    return float(cam[np.asarray(mask) > 0].sum() / total)
