"""Synthetic metal-surface images with exactly annotated defects.

The generator behind :class:`~defectzoo.datasets.SyntheticSurfaceDefectDataset`
(and :mod:`~defectzoo.datasets.synthetic.writers`): no download, every
sample a pure function of ``(seed, split, index)``.

Image model (lengths are fractions of the short side ``s``, so a sample looks
the same at any size):

1. *Background*: a rolled-steel or brushed-metal texture — white noise
   filtered with an anisotropic Gaussian (long along the rolling direction,
   short across it) gives the streaks; coarser isotropic noise gives
   mottling, fine noise the grain; a linear illumination gradient plus a
   vignette give uneven lighting. The rolling direction is horizontal or
   vertical.
2. *Defects*, each a weight map ``w`` in [0, 1] that alters the image
   (``img += w * contrast`` or a texture blend):

   - ``scratch``: thin bright or dark line or arc (quadratic Bezier);
   - ``spot``: a cluster of small dark (pits) or bright blobs with
     irregular edges;
   - ``patch``: a large irregular region of darker, coarser texture;
   - ``crack``: a dark branching random walk;
   - ``inclusion``: elongated dark streak(s) along the rolling direction.

3. Fine sensor noise on top, then 8-bit quantisation.

Annotations are exact: an instance's mask is ``w >= MASK_THRESHOLD`` (the
pixels changed by at least 40 % of the defect's contrast), its box the
pixel extent of the mask (``x2 = last column + 1``), and the class-index
map (0 = background, ``1 + label``) the union of the masks. Instances never
touch (placements closer than 2 px to an earlier one are redrawn), so the
three annotations agree exactly.
"""
from typing import List, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmdet.structures.mask import mask2bbox

DEFECT_CLASSES = ('scratch', 'spot', 'patch', 'crack', 'inclusion')
DEFECT_FREE = 'defect_free'
MASK_THRESHOLD = 0.4
SPLITS = ('train', 'val', 'test')
# instances per image of a class-specific (task='cls') sample
INSTANCES_PER_CLASS = dict(
    scratch=(1, 3), spot=(1, 3), patch=(1, 2), crack=(1, 2), inclusion=(1, 3))
PALETTE = [(0, 0, 0), (255, 225, 25), (230, 25, 75), (60, 180, 75),
           (0, 130, 200), (245, 130, 48)]


# ----------------------------------------------------------------------------
# helpers
def _smooth_noise(rng, shape, sigma, sigma_y=None) -> np.ndarray:
    """White noise blurred by a Gaussian (sigma along x, sigma_y along y),
    normalised to zero mean and unit standard deviation."""
    n = rng.standard_normal(shape).astype(np.float32)
    n = cv2.GaussianBlur(
        n, (0, 0),
        sigmaX=max(float(sigma), 0.3),
        sigmaY=max(float(sigma if sigma_y is None else sigma_y), 0.3),
        borderType=cv2.BORDER_REFLECT)
    n -= n.mean()
    return n / (n.std() + 1e-6)


def _grid(h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return yy, xx


def _ellipse_dist(yy, xx, cy, cx, a, b, angle):
    """Squared normalised distance to an ellipse centre (1 on the edge)."""
    c, s = np.cos(angle), np.sin(angle)
    u = (xx - cx) * c + (yy - cy) * s
    v = -(xx - cx) * s + (yy - cy) * c
    return (u / a)**2 + (v / b)**2


def _draw_polylines(shape, polylines, thickness) -> np.ndarray:
    """Anti-aliased polylines as a float weight map in [0, 1] (drawn at 4x
    and averaged down so thin lines keep a solid core)."""
    h, w = shape
    k = 4
    canvas = np.zeros((h * k, w * k), np.uint8)
    for pts, t in zip(polylines, thickness):
        p = np.round((np.asarray(pts, np.float64) + 0.5) * k * 16 - 8)
        cv2.polylines(
            canvas, [p.astype(np.int32).reshape(-1, 1, 2)],
            False,
            255,
            thickness=max(1, int(round(t * k))),
            lineType=cv2.LINE_AA,
            shift=4)
    small = cv2.resize(
        canvas.astype(np.float32) / 255., (w, h), interpolation=cv2.INTER_AREA)
    return np.clip(small, 0, 1)


def mask_to_box(mask: np.ndarray) -> List[float]:
    """Pixel extent ``[x1, y1, x2, y2]`` of a mask (``x2`` exclusive), by
    :func:`mmdet.structures.mask.mask2bbox`."""
    masks = torch.from_numpy(np.asarray(mask, dtype=bool))[None]
    return mask2bbox(masks)[0].tolist()


# ----------------------------------------------------------------------------
# background
def metal_texture(rng, h, w) -> Tuple[np.ndarray, bool]:
    """Rolled-steel / brushed-metal background (float32, ~0-255).

    Returns the image and whether the rolling direction is horizontal.
    """
    s = min(h, w)
    horizontal = bool(rng.random() < 0.5)
    hh, ww = (h, w) if horizontal else (w, h)
    brushed = bool(rng.random() < 0.4)
    img = np.full((hh, ww), rng.uniform(90, 155), np.float32)
    if brushed:
        img += rng.uniform(6, 11) * _smooth_noise(
            rng, (hh, ww), ww * rng.uniform(0.15, 0.35), rng.uniform(0.4, 0.7))
        img += rng.uniform(2, 5) * _smooth_noise(rng, (hh, ww), ww * 0.02, 1.5)
    else:
        img += rng.uniform(5, 10) * _smooth_noise(
            rng, (hh, ww), ww * rng.uniform(0.03, 0.08), rng.uniform(0.7, 1.6))
        # rolled-in mottling: low-frequency blotches stretched along rolling
        img += rng.uniform(3, 8) * _smooth_noise(
            rng, (hh, ww), s * rng.uniform(0.04, 0.08), s * 0.025)
    img += rng.uniform(2.5, 5) * _smooth_noise(rng, (hh, ww), 0.6)
    if not horizontal:
        img = np.ascontiguousarray(img.T)
    yy, xx = _grid(h, w)
    yy, xx = yy / s, xx / s
    theta = rng.uniform(0, 2 * np.pi)
    img += rng.uniform(8, 30) * (
        np.cos(theta) * (xx - w / s / 2) + np.sin(theta) * (yy - h / s / 2))
    cy, cx = rng.uniform(0.3, 0.7) * h / s, rng.uniform(0.3, 0.7) * w / s
    img -= rng.uniform(0, 25) * ((xx - cx)**2 + (yy - cy)**2)
    return img, horizontal


# ----------------------------------------------------------------------------
# defect shapes: each returns a weight map in [0, 1]
def _scratch(rng, shape, horizontal):
    h, w = shape
    s = min(h, w)
    length = rng.uniform(0.3, 0.9) * s
    cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h
    ang = rng.uniform(0, np.pi)
    d = np.array([np.cos(ang), np.sin(ang)]) * length / 2
    p0, p2 = np.array([cx, cy]) - d, np.array([cx, cy]) + d
    normal = np.array([-d[1], d[0]]) / (np.linalg.norm(d) + 1e-6)
    p1 = (p0 + p2) / 2 + normal * rng.normal(0, 0.12) * length
    t = np.linspace(0, 1, 80)[:, None]
    pts = (1 - t)**2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
    thick = rng.choice([0.8, 1.0, 1.3, 1.8])
    wmap = _draw_polylines(shape, [pts], [thick])
    # fade in/out along the scratch and vary depth
    fade = 0.65 + 0.35 * np.clip(
        _smooth_noise(rng, shape, s * 0.06) * 0.5 + 0.6, 0, 1)
    return wmap * fade


def _spot(rng, shape, horizontal):
    h, w = shape
    s = min(h, w)
    yy, xx = _grid(h, w)
    cy, cx = rng.uniform(0.12, 0.88) * h, rng.uniform(0.12, 0.88) * w
    spread = rng.uniform(0.02, 0.08) * s
    n = int(rng.integers(2, 9))
    edge = _smooth_noise(rng, shape, max(1.0, s * 0.008))
    wmap = np.zeros(shape, np.float32)
    for _ in range(n):
        r = rng.uniform(0.012, 0.04) * s
        by, bx = cy + rng.normal(0, spread), cx + rng.normal(0, spread)
        d = _ellipse_dist(yy, xx, by, bx, r * rng.uniform(0.7, 1.3),
                          r * rng.uniform(0.7, 1.3), rng.uniform(0, np.pi))
        d = np.sqrt(d) * (1 + 0.18 * edge)
        wmap = np.maximum(wmap, np.clip((1.15 - d) / 0.35, 0, 1))
    return wmap


def _patch(rng, shape, horizontal):
    h, w = shape
    s = min(h, w)
    yy, xx = _grid(h, w)
    cy, cx = rng.uniform(0.25, 0.75) * h, rng.uniform(0.25, 0.75) * w
    a, b = rng.uniform(0.15, 0.32) * s, rng.uniform(0.1, 0.24) * s
    d = np.sqrt(_ellipse_dist(yy, xx, cy, cx, a, b, rng.uniform(0, np.pi)))
    f = (1 - d) + 0.45 * _smooth_noise(rng, shape, s * 0.05)
    wmap = np.clip((f - 0.1) / 0.3, 0, 1)
    return cv2.GaussianBlur(wmap, (0, 0), 1.0)


def _crack(rng, shape, horizontal):
    h, w = shape
    s = min(h, w)
    total = rng.uniform(0.25, 0.6) * s
    step = 1.6
    polylines, thickness = [], []

    def walk(p, heading, length, depth, t):
        # the heading drifts slowly; each step deviates from it at random,
        # which gives a jagged but overall straight path
        pts = [p.copy()]
        for _ in range(int(length / step)):
            heading += rng.normal(0, 0.06)
            theta = heading + rng.normal(0, 0.55)
            p = p + step * np.array([np.cos(theta), np.sin(theta)])
            if not (0 <= p[0] < w and 0 <= p[1] < h):
                break
            pts.append(p.copy())
            if depth < 2 and rng.random() < 0.03:
                walk(p.copy(),
                     heading + rng.choice([-1, 1]) * rng.uniform(0.35, 1.0),
                     length * rng.uniform(0.2, 0.5), depth + 1,
                     max(0.6, t * 0.65))
        if len(pts) > 1:
            pts = np.array(pts)
            # taper: the far half of a branch is drawn thinner
            half = len(pts) // 2
            polylines.append(pts[:half + 1])
            thickness.append(t)
            polylines.append(pts[half:])
            thickness.append(max(0.6, t * 0.7))

    start = np.array([rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h])
    theta0 = rng.uniform(0, 2 * np.pi)
    main_t = rng.uniform(1.0, 1.7)
    walk(start, theta0, total / 2, 0, main_t)  # grows both ways
    walk(start, theta0 + np.pi, total / 2, 0, main_t)
    return _draw_polylines(shape, polylines, thickness)


def _inclusion(rng, shape, horizontal):
    h, w = shape
    s = min(h, w)
    yy, xx = _grid(h, w)
    angle = (0.0 if horizontal else np.pi / 2) + rng.normal(0, 0.08)
    length = rng.uniform(0.25, 0.6) * s
    width = rng.uniform(0.01, 0.025) * s
    cy, cx = rng.uniform(0.15, 0.85) * h, rng.uniform(0.15, 0.85) * w
    n = int(rng.integers(1, 4))
    cx -= np.cos(angle) * length / 2  # segments run from one end
    cy -= np.sin(angle) * length / 2
    along, across = max(1.0, s * 0.02), max(1.0, s * 0.006)
    edge = _smooth_noise(rng, shape,
                         *((along, across) if horizontal else (across, along)))
    wmap = np.zeros(shape, np.float32)
    direction = np.array([np.cos(angle), np.sin(angle)])
    offset = 0.0
    for _ in range(n):
        seg = length / n * rng.uniform(0.7, 1.0)
        c = np.array([cx, cy]) + direction * (offset + seg / 2)
        d = np.sqrt(
            _ellipse_dist(yy, xx, c[1], c[0], seg / 2,
                          width * rng.uniform(0.7, 1.3), angle))
        d = d * (1 + 0.15 * edge)
        wmap = np.maximum(wmap, np.clip((1.1 - d) / 0.3, 0, 1))
        offset += seg + rng.uniform(0.01, 0.05) * s
    return wmap


_SHAPES = dict(
    scratch=_scratch,
    spot=_spot,
    patch=_patch,
    crack=_crack,
    inclusion=_inclusion)


def _apply(rng, img, wmap, kind, shape):
    """Alter ``img`` in place by the defect ``kind`` with weight ``wmap``."""
    s = min(shape)
    if kind == 'scratch':
        sign = 1 if rng.random() < 0.7 else -1
        img += wmap * sign * rng.uniform(38, 70)
    elif kind == 'spot':
        sign = -1 if rng.random() < 0.8 else 1
        img += wmap * sign * rng.uniform(35, 70)
    elif kind == 'patch':
        coarse = _smooth_noise(rng, shape, rng.uniform(1.0, 2.0))
        blotch = _smooth_noise(rng, shape, s * 0.02)
        altered = (
            img * rng.uniform(0.55, 0.75) + rng.uniform(-15, 0) +
            rng.uniform(6, 12) * coarse + rng.uniform(4, 9) * blotch)
        img[...] = img * (1 - wmap) + altered * wmap
    elif kind == 'crack':
        halo = cv2.GaussianBlur(wmap, (0, 0), 1.2)
        img -= rng.uniform(45, 85) * wmap + rng.uniform(5, 15) * halo
    elif kind == 'inclusion':
        img -= wmap * rng.uniform(40, 80)
    else:
        raise KeyError(kind)


# ----------------------------------------------------------------------------
def generate_surface_sample(seed: int,
                            index: int,
                            kinds: Sequence[str],
                            img_size=200,
                            split: str = 'train',
                            max_tries: int = 20) -> dict:
    """One synthetic surface image with the defects ``kinds`` (in order).

    Args:
        seed, index, split: a sample is a pure function of these.
        kinds: defect class names to draw (e.g. ``['scratch', 'scratch']``);
            empty gives a defect-free image. A defect that cannot be
            placed without touching earlier ones in ``max_tries`` is left
            out.
        img_size: int (square) or ``(w, h)``.

    Returns:
        dict with ``img`` (uint8 (H, W)), ``instances`` (list of dicts with
        ``label`` (index in :data:`DEFECT_CLASSES`), ``mask`` (bool (H, W)),
        ``bbox`` ``[x1, y1, x2, y2]``) and ``seg_map`` (uint8 (H, W),
        0 = background, ``1 + label``).
    """
    w, h = (img_size, img_size) if isinstance(img_size, int) \
        else tuple(img_size)
    rng = np.random.default_rng([int(seed), SPLITS.index(split), int(index)])
    img, horizontal = metal_texture(rng, h, w)
    occupied = np.zeros((h, w), np.uint8)
    seg_map = np.zeros((h, w), np.uint8)
    kernel = np.ones((5, 5), np.uint8)
    min_pixels = max(4, int(2e-4 * h * w))
    instances = []
    for kind in kinds:
        label = DEFECT_CLASSES.index(kind)
        for _ in range(max_tries):
            wmap = _SHAPES[kind](rng, (h, w), horizontal).astype(np.float32)
            mask = wmap >= MASK_THRESHOLD
            if mask.sum() < min_pixels:
                continue
            if (occupied & cv2.dilate(mask.astype(np.uint8), kernel)).any():
                continue
            # keep the sub-threshold fringe away from other instances too
            wmap[cv2.dilate(occupied, kernel).astype(bool)] = 0
            _apply(rng, img, wmap, kind, (h, w))
            occupied |= mask.astype(np.uint8)
            seg_map[mask] = label + 1
            instances.append(
                dict(label=label, mask=mask, bbox=mask_to_box(mask)))
            break
    img += rng.uniform(1.0, 2.5) * rng.standard_normal(
        (h, w)).astype(np.float32)
    img = np.clip(np.round(img), 0, 255).astype(np.uint8)
    return dict(img=img, instances=instances, seg_map=seg_map)
