"""FID, KID and IS of generated images on a configurable feature network.

Computed with torchmetrics (``FrechetInceptionDistance``,
``KernelInceptionDistance``, ``InceptionScore``) from features that this
metric extracts itself:

- ``inception_ckpt``: the torch-fidelity Inception-v3 (2048-d pool
  features) loaded from a local checkpoint, i.e. the usual FID, when a user
  has the weights (needs ``pip install torch-fidelity``);
- otherwise ``feature_net``: any registered backbone (e.g. a ResNet trained
  by defectzoo on the same kind of images, loaded through ``init_cfg`` /
  ``feature_ckpt``); its last feature map is average-pooled.

FID/KID on such features are comparable only between runs that use the
same network and the same real images -- **not** with Inception FIDs of
papers. IS needs a classifier (``classifier`` + ``classifier_ckpt``): the
exponentiated mean KL divergence of its class posteriors from their
marginal. The mean generation time per image (``gen_time`` of the model's
``test_step``) is reported as ``ms_per_image``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.runner import load_checkpoint

from defectzoo.registry import METRICS, MODELS


class _Precomputed(nn.Module):
    """Identity 'feature extractor' over features computed in process()."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, x):
        return x


@METRICS.register_module()
class GenerativeQualityMetric(BaseMetric):
    """Image-generation quality of ``(fake, real)`` pairs.

    Args:
        feature_net: config of a registered backbone (ignored when
            ``inception_ckpt`` is given).
        feature_ckpt: checkpoint loaded into ``feature_net``
            (``feature_prefix`` stripped, e.g. ``'backbone.'`` for a
            classifier checkpoint).
        inception_ckpt: path of torch-fidelity's Inception-v3 weights
            (``pt_inception-2015-12-05``): standard Inception features.
        classifier: config of a registered classifier for IS (its
            ``mode='tensor'`` output are the logits).
        classifier_ckpt: its checkpoint.
        img_size: resize images to this square size before the networks
            (None: as generated).
        mean, std: input normalisation of ``feature_net`` / ``classifier``
            (0-255 scale).
        kid_subset_size, kid_subsets: KID subsets (size capped at the
            number of images).
        is_splits: IS splits.
    """
    default_prefix = 'gen'

    def __init__(self,
                 feature_net: Optional[dict] = None,
                 feature_ckpt: Optional[str] = None,
                 feature_prefix: str = 'backbone.',
                 inception_ckpt: Optional[str] = None,
                 classifier: Optional[dict] = None,
                 classifier_ckpt: Optional[str] = None,
                 img_size: Optional[int] = None,
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 kid_subset_size: int = 100,
                 kid_subsets: int = 100,
                 is_splits: int = 10,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if feature_net is None and inception_ckpt is None:
            raise ValueError('GenerativeQualityMetric needs feature_net or '
                             'inception_ckpt')
        self.inception = inception_ckpt is not None
        if self.inception:
            try:
                from torchmetrics.image.fid import NoTrainInceptionV3
                self.feature_net = NoTrainInceptionV3(
                    name='inception-v3-compat',
                    features_list=['2048'],
                    feature_extractor_weights_path=inception_ckpt)
            except ModuleNotFoundError as exc:
                raise ModuleNotFoundError(
                    'inception_ckpt needs torch-fidelity: pip install '
                    'torch-fidelity') from exc
        else:
            self.feature_net = self._build(feature_net, feature_ckpt,
                                           feature_prefix)
        self.classifier = (
            self._build(classifier, classifier_ckpt, '')
            if classifier else None)
        self.img_size = img_size
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
        self.kid_subset_size = kid_subset_size
        self.kid_subsets = kid_subsets
        self.is_splits = is_splits

    @staticmethod
    def _build(cfg: dict, ckpt: Optional[str], prefix: str) -> nn.Module:
        net = MODELS.build(cfg)
        if hasattr(net, 'init_weights'):
            net.init_weights()
        if ckpt:
            revise = [(f'^{prefix}', '')] if prefix else []
            load_checkpoint(
                net,
                ckpt,
                map_location='cpu',
                revise_keys=revise + [(r'^module\.', '')])
        net.eval()  # some backbones' train() return None
        net.requires_grad_(False)
        return net

    def _prepare(self, imgs: torch.Tensor) -> torch.Tensor:
        """uint8 ``(B, C, H, W)`` -> normalised float, 3 channels."""
        x = imgs.float()
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if self.img_size and x.shape[-1] != self.img_size:
            x = F.interpolate(
                x,
                size=(self.img_size, self.img_size),
                mode='bilinear',
                align_corners=False)
        return (x - self.mean) / self.std

    @torch.no_grad()
    def features(self, imgs: torch.Tensor) -> torch.Tensor:
        """``(B, D)`` features of uint8 images."""
        if self.inception:
            x = imgs if imgs.shape[1] == 3 else imgs.expand(-1, 3, -1, -1)
            return self.feature_net(x.to(torch.uint8)).reshape(len(x), -1)
        out = self.feature_net(self._prepare(imgs))
        if isinstance(out, (tuple, list)):
            out = out[-1]
        if out.dim() == 4:
            out = out.mean(dim=(2, 3))
        return out.reshape(len(imgs), -1)

    @torch.no_grad()
    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        fake = torch.stack([s['fake'] for s in data_samples])
        real = torch.stack([s['real'] for s in data_samples])
        logits = (
            self.classifier(self._prepare(fake), mode='tensor')
            if self.classifier is not None else [None] * len(fake))
        for f, r, lg, s in zip(
                self.features(fake), self.features(real), logits,
                data_samples):
            self.results.append(
                dict(
                    fake=f.cpu(),
                    real=r.cpu(),
                    gen_time=s['gen_time'],
                    logits=None if lg is None else lg.cpu()))

    def compute_metrics(self, results: list) -> dict:
        from torchmetrics.image.fid import FrechetInceptionDistance
        from torchmetrics.image.inception import InceptionScore
        from torchmetrics.image.kid import KernelInceptionDistance
        fake = torch.stack([r['fake'] for r in results]).double()
        real = torch.stack([r['real'] for r in results]).double()
        n = len(results)
        if n < 2:
            raise ValueError('FID/KID need at least 2 images')
        ident = _Precomputed(fake.shape[1])
        fid = FrechetInceptionDistance(feature=ident)
        fid.update(real, real=True)
        fid.update(fake, real=False)
        kid = KernelInceptionDistance(
            feature=ident,
            subsets=self.kid_subsets,
            subset_size=min(self.kid_subset_size, n))
        kid.update(real, real=True)
        kid.update(fake, real=False)
        kid_mean, kid_std = kid.compute()
        metrics = dict(
            FID=float(fid.compute()),
            KID=float(kid_mean),
            KID_std=float(kid_std),
            num_images=float(n),
            ms_per_image=1000 * sum(r['gen_time'] for r in results) / n)
        if results[0]['logits'] is not None:
            logits = torch.stack([r['logits'] for r in results])
            inception_score = InceptionScore(
                feature=_Precomputed(logits.shape[1]),
                splits=min(self.is_splits, n))
            inception_score.update(logits)
            is_mean, is_std = inception_score.compute()
            metrics.update(IS=float(is_mean), IS_std=float(is_std))
        return metrics
