"""SCL + ArcMargin (Phuong, Tin, Trang 2024): one-stage training of a
backbone and a projection MLP with a self-contrastive loss and an ArcFace
loss on the same embedding ``z``, and a reference-gallery classifier."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from defectzoo.registry import MODELS
from ..utils.build import build_in_own_scope

CLASSIFIERS = ('gallery', 'arcface')
GALLERY_REDUCE = ('mean', 'max')


@MODELS.register_module()
class SCLArcMarginClassifier(BaseModel):
    """Backbone -> projection MLP -> ``z`` (d = 128), trained with::

        L = alpha L_con + beta L_arc          (alpha = 0.75, beta = 0.25)

    ``L_con`` is :class:`SelfContrastiveLoss` over the views of each image
    (the original and two random views, from a ``MultiView`` pipeline);
    ``L_arc`` is mmpretrain's ``ArcFaceClsHead`` (additive angular margin
    ``m = 0.5``) on the ``z`` of every view. The weights are the
    ``loss_weight`` of the two losses.

    Prediction (``classifier``):

    - ``'gallery'`` (the paper): a test image gets the class whose reference
      images have the highest *mean* cosine similarity to it
      (``gallery_reduce='max'``: the class of the most similar reference,
      i.e. the nearest neighbour, for classes of several looks). The references
      (``gallery_embeddings`` / ``gallery_labels``, buffers saved with the
      checkpoint) are set by :meth:`set_gallery`, normally by
      :class:`~defectzoo.engine.ReferenceGalleryHook`.
    - ``'arcface'``: the cosine to the ArcFace class weights.

    Every predicted sample also carries ``embedding`` (the L2-normalised
    ``z``), which few-shot evaluation uses.

    Args:
        backbone: e.g. ``dict(type='mmpretrain.ResNet', depth=50)``.
        neck: the projection MLP with pooling, e.g. mmpretrain's
            ``NonLinearNeck(with_avg_pool=True, out_channels=128)``.
        head: ``dict(type='mmpretrain.ArcFaceClsHead', ...)``; its loss's
            ``loss_weight`` is ``beta``.
        con_loss: ``dict(type='SelfContrastiveLoss', ...)``; its
            ``loss_weight`` is ``alpha``.
        classifier: ``'gallery'`` or ``'arcface'``.
        gallery_reduce: how a class's similarities to a test image are
            combined: ``'mean'`` (the paper) or ``'max'`` (nearest reference).
        score_temperature: ``pred_score`` of the gallery classifier is
            ``softmax(class_similarity / score_temperature)``.
        data_preprocessor: Defaults to mmpretrain's
            ``SelfSupDataPreprocessor`` (a list of views or one batch).
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 con_loss: dict = dict(type='SelfContrastiveLoss'),
                 classifier: str = 'gallery',
                 gallery_reduce: str = 'mean',
                 score_temperature: float = 0.1,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmpretrain.SelfSupDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = build_in_own_scope(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if classifier not in CLASSIFIERS:
            raise ValueError(f'classifier must be one of {CLASSIFIERS}, got '
                             f'{classifier!r}')
        if gallery_reduce not in GALLERY_REDUCE:
            raise ValueError(f'gallery_reduce must be one of {GALLERY_REDUCE}'
                             f', got {gallery_reduce!r}')
        self.backbone = build_in_own_scope(backbone)
        self.neck = build_in_own_scope(neck)
        self.head = build_in_own_scope(head)
        self.con_loss = build_in_own_scope(con_loss)
        self.classifier = classifier
        self.gallery_reduce = gallery_reduce
        self.score_temperature = score_temperature
        self.register_buffer('gallery_embeddings', torch.zeros(0))
        self.register_buffer('gallery_labels',
                             torch.zeros(0, dtype=torch.long))

    @property
    def num_classes(self) -> int:
        return self.head.num_classes

    # ---- features -----------------------------------------------------------
    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """``z``: the projected, pooled backbone features, ``(N, d)``."""
        z = self.neck(self.backbone(inputs))
        return z[-1] if isinstance(z, (tuple, list)) else z

    def embed(
            self, inputs: Union[torch.Tensor,
                                Sequence[torch.Tensor]]) -> torch.Tensor:
        """L2-normalised ``z`` of a batch (of the first view of a list)."""
        if isinstance(inputs, (list, tuple)):
            inputs = inputs[0]
        return F.normalize(self.extract_feat(inputs), dim=1)

    # ---- modes -------------------------------------------------------------
    def forward(self,
                inputs,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            return self.embed(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def loss(self, inputs: Sequence[torch.Tensor],
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """``loss_con`` over the views and ``loss_arc`` on every view's z.

        Args:
            inputs: one ``(N, C, H, W)`` batch per view, the original first
                (a ``MultiView`` pipeline with ``num_views=[1, 2]``). Views
                may differ in size (e.g. the whole image and crops of it).
        """
        if isinstance(inputs, torch.Tensor) or len(inputs) < 2:
            raise ValueError(
                'SCLArcMarginClassifier trains on several views of each '
                'image: use mmpretrain.MultiView in the train pipeline '
                '(the original + 2 random views, num_views=[1, 2]).')
        num_views = len(inputs)
        if len({tuple(v.shape[1:]) for v in inputs}) == 1:
            z = self.extract_feat(torch.cat(list(inputs)))
            views = z.chunk(num_views)
        else:  # e.g. the whole image + smaller crops: one pass per size
            views = [self.extract_feat(v) for v in inputs]
            z = torch.cat(views)
        losses = dict(loss_con=self.con_loss(*views))
        arc = self.head.loss((z, ), list(data_samples) * num_views)
        losses['loss_arc'] = arc['loss']
        return losses

    @torch.no_grad()
    def predict(
            self,
            inputs,
            data_samples: Optional[List[DataSample]] = None
    ) -> List[DataSample]:
        emb = self.embed(inputs)
        if self.classifier == 'gallery':
            scores = F.softmax(
                self.gallery_similarity(emb) / self.score_temperature, dim=1)
        else:
            scores = F.softmax(self.head((emb, )), dim=1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(emb.size(0))]
        labels = scores.argmax(dim=1, keepdim=True)
        for sample, score, label, e in zip(data_samples, scores, labels, emb):
            sample.set_pred_score(score).set_pred_label(label)
            sample.set_field(e, 'embedding')
        return data_samples

    # ---- reference gallery --------------------------------------------------
    @property
    def has_gallery(self) -> bool:
        return self.gallery_labels.numel() > 0

    def set_gallery(self, embeddings: torch.Tensor,
                    labels: torch.Tensor) -> None:
        """Use ``embeddings`` (``(M, d)``, normalised here) of images with
        ``labels`` (``(M,)``) as the references."""
        labels = torch.as_tensor(labels, dtype=torch.long).flatten()
        if embeddings.dim() != 2 or embeddings.size(0) != labels.numel():
            raise ValueError(
                f'gallery: {tuple(embeddings.shape)} embeddings for '
                f'{labels.numel()} labels')
        if labels.numel() and (labels.min() < 0
                               or labels.max() >= self.num_classes):
            raise ValueError(f'gallery labels must be in [0, '
                             f'{self.num_classes}), got {labels.tolist()}')
        device = self.gallery_labels.device
        self.gallery_embeddings = F.normalize(
            embeddings.detach().float(), dim=1).to(device)
        self.gallery_labels = labels.to(device)

    def gallery_similarity(self, emb: torch.Tensor) -> torch.Tensor:
        """``(N, num_classes)``: the mean (``gallery_reduce='max'``: the
        highest) cosine similarity of each image to each class's references
        (``-inf`` for a class without any)."""
        # While tracing for export the gallery is a constant of the graph.
        if not torch.jit.is_tracing() and not self.has_gallery:
            raise RuntimeError(
                'SCLArcMarginClassifier has no reference gallery: add '
                'ReferenceGalleryHook to custom_hooks (it builds the gallery '
                'from the training images and saves it with the checkpoint), '
                "or set model.classifier='arcface'.")
        sims = emb @ self.gallery_embeddings.t()
        onehot = F.one_hot(self.gallery_labels, self.num_classes).to(sims)
        counts = onehot.sum(0)
        if self.gallery_reduce == 'max':
            per_class = sims[:, None, :].masked_fill(onehot.t()[None] == 0,
                                                     float('-inf'))
            return per_class.amax(dim=2)
        mean = (sims @ onehot) / counts.clamp(min=1)
        return mean.masked_fill(counts == 0, float('-inf'))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # The gallery's size is the checkpoint's, not the empty default's.
        for name in ('gallery_embeddings', 'gallery_labels'):
            key = prefix + name
            if key in state_dict:
                setattr(
                    self, name,
                    torch.empty_like(
                        state_dict[key], device=getattr(self, name).device))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
