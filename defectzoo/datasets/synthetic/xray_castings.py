"""Synthetic X-ray radiographs of cast parts with exactly annotated defects.

Image model (all lengths are fractions of the image size, so a sample looks
the same at any ``img_size``):

1. *Part*: a material thickness map ``T(x, y)`` built from a rounded body
   (super-ellipse with a filleted edge), cylindrical ribs, bosses with
   through-holes and an optional cut-out window, times a smooth
   low-frequency wall-thickness variation.
2. *Defects* remove material along the ray, ``T <- T - D``:

   - gas pores (small) and voids (large): ellipsoids with semi-axes
     ``a, b`` in the image plane and ``c`` along the beam, whose projected
     thickness is ``D = 2c * sqrt(1 - (u/a)^2 - (v/b)^2)`` (the classic
     GDXray defect simulation, Mery 2001);
   - shrinkage cavities: branching clusters of small ellipsoids;
   - cracks: thin random-walk polylines with a tapered depth.

3. *Projection* (Beer-Lambert): ``I = I0 * B(x, y) * exp(-mu * (T - D))``
   with a smooth source/heel-effect gradient ``B``, so defects look
   brighter than the surrounding material.
4. *Detector*: Poisson quantum noise, scintillator blur (Gaussian PSF,
   which also correlates the noise), per-column gain, dark offset and
   Gaussian electronic noise, quantised to 16 bit.

Class rule (``CLASSES = ('critical', 'minor')``): every crack is
``critical``; a pore, void or cavity is ``critical`` when the equivalent
diameter of its mask, ``sqrt(4 * area / pi)``, is at least
``critical_size * img_size`` (default 0.025, i.e. 12.8 px at 512 px) and
``minor`` otherwise. Defects never touch each other, so masks are exact and
disjoint, and boxes are the exact pixel extent of each mask.

Every sample is a pure function of ``(seed, split, index)``
(:func:`generate_xray_sample`);
:func:`~defectzoo.datasets.synthetic.writers.generate_synthetic_xray`
writes a whole data set once (see its docstring for the layout).
"""
import zlib
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmdet.structures.mask import mask2bbox

CLASSES = ('critical', 'minor')
DEFECT_TYPES = ('pore', 'void', 'cavity', 'crack')
DEFAULT_DEFECT_WEIGHTS = dict(pore=0.5, void=0.2, cavity=0.15, crack=0.15)
GENERATOR_VERSION = 1
MANIFEST = 'manifest.json'
CLASS_RULE = ('crack -> critical; pore/void/cavity -> critical if the mask '
              'equivalent diameter sqrt(4*area/pi) >= critical_size * '
              'img_size, else minor')
MASK_FORMAT = ('masks/<split>/<name>.png: uint8 instance-id map, 0 = '
               'background, k = the annotation with mask_value k of that '
               'image in annotations/<split>.json')
LABELLED_SPLITS = ('train', 'val')


def _smooth_noise(rng, size: int, cells: int) -> np.ndarray:
    """Smooth zero-mean noise in about [-1, 1] with ``cells`` bumps."""
    grid = rng.normal(size=(cells, cells)).astype(np.float32)
    return cv2.resize(grid, (size, size), interpolation=cv2.INTER_CUBIC) / 2


def _fillet(dist: np.ndarray, radius: float) -> np.ndarray:
    """Circular fillet profile: 0 where ``dist <= 0`` (outside the
    material), rising to 1 at ``dist >= radius`` (distances in pixels)."""
    t = np.clip(dist / radius, 0, 1)
    return np.sqrt(t * (2 - t))


def _superellipse_dist(x, y, a: float, b: float, p: float) -> np.ndarray:
    """Approximate signed distance to a super-ellipse, > 0 inside."""
    f = (np.abs(x / a)**p + np.abs(y / b)**p)**(1 / p)
    return (1 - f) * min(a, b)


def _part_thickness(rng, s: int, xx, yy) -> np.ndarray:
    """Material thickness along the beam in pixels of an ``s`` x ``s`` grid.

    Built from analytic (smooth) shapes only, so it can be computed on a
    coarse grid and upsampled without staircase edges.
    """
    cx, cy = s * (0.5 + rng.uniform(-0.15, 0.15, 2))
    ang = rng.uniform(0, np.pi)
    ca, sa = np.cos(ang), np.sin(ang)
    u, v = (xx - cx) * ca + (yy - cy) * sa, (cx - xx) * sa + (yy - cy) * ca
    a, b = s * rng.uniform(0.38, 0.65, 2)
    body = _superellipse_dist(u, v, a, b, rng.uniform(2.5, 5.0))
    thick = s * rng.uniform(0.07, 0.13) * (
        1 + 0.25 * _smooth_noise(rng, s, 4) + 0.2 * (u / s) +
        0.03 * _smooth_noise(rng, s, max(s // 16, 4)))  # casting mottle
    for _ in range(rng.integers(1, 4)):  # ribs with filleted flanks
        ra = rng.uniform(0, np.pi)
        x0, y0 = s * rng.uniform(0.2, 0.8, 2)
        dist = np.abs((xx - x0) * np.sin(ra) - (yy - y0) * np.cos(ra))
        w = s * rng.uniform(0.03, 0.08)
        thick += s * rng.uniform(0.04, 0.1) * _fillet(w - dist, 0.5 * w)
    holes = np.ones((s, s), np.float32)
    for _ in range(rng.integers(0, 3)):  # bosses with through-holes
        bx, by = s * rng.uniform(0.15, 0.85, 2)
        r = np.hypot(xx - bx, yy - by)
        rb = s * rng.uniform(0.07, 0.13)
        thick += s * rng.uniform(0.05, 0.1) * _fillet(rb - r, 0.2 * rb)
        holes *= _fillet(r - rb * rng.uniform(0.35, 0.6), 0.03 * s)
    if rng.random() < 0.5:  # cut-out window
        wx, wy = s * rng.uniform(0.1, 0.9, 2)
        wa, wb = s * rng.uniform(0.08, 0.2, 2)
        holes *= _fillet(-_superellipse_dist(xx - wx, yy - wy, wa, wb, 4),
                         0.04 * s)
    return np.maximum(thick, 0) * _fillet(body, 0.06 * s) * holes


def _ellipsoid(rng, s: int, r: float, depth_ratio: Tuple[float, float]):
    """Projected thickness patch of a random ellipsoid (semi-axis ~r)."""
    a, b = np.maximum(r * rng.uniform(0.75, 1.25, 2), 1.0)
    c = r * rng.uniform(*depth_ratio)
    ang = rng.uniform(0, np.pi)
    h = int(np.ceil(max(a, b))) + 1
    yy, xx = np.mgrid[-h:h + 1, -h:h + 1].astype(np.float32)
    off = rng.uniform(-0.5, 0.5, 2)  # sub-pixel centre
    xx, yy = xx - off[0], yy - off[1]
    u = (xx * np.cos(ang) + yy * np.sin(ang)) / a
    v = (-xx * np.sin(ang) + yy * np.cos(ang)) / b
    return 2 * c * np.sqrt(np.clip(1 - u * u - v * v, 0, None))


def _cavity(rng, s: int) -> np.ndarray:
    """Shrinkage cavity: a branching cluster of small ellipsoids."""
    n = int(rng.integers(4, 13))
    blobs, centres = [], [np.zeros(2)]
    for i in range(n):
        r = s * rng.uniform(0.004, 0.013)
        if i:
            parent = centres[rng.integers(len(centres))]
            step, turn = rng.uniform(0.4, 0.9) * r, rng.uniform(0, 2 * np.pi)
            centres.append(parent + step *
                           np.array([np.cos(turn), np.sin(turn)]))
        blobs.append(_ellipsoid(rng, s, max(r, 1.0), (0.8, 1.5)))
    h = int(
        max(np.abs(c).max() + b.shape[0] // 2
            for c, b in zip(centres, blobs))) + 1
    out = np.zeros((2 * h + 1, 2 * h + 1), np.float32)
    for (cx, cy), blob in zip(centres, blobs):
        k = blob.shape[0] // 2
        x0, y0 = int(round(cx)) + h - k, int(round(cy)) + h - k
        view = out[y0:y0 + blob.shape[0], x0:x0 + blob.shape[1]]
        np.maximum(view, blob, out=view)
    return out


def _crack(rng, s: int) -> np.ndarray:
    """Crack: thin random-walk polyline with a tapered depth."""
    steps = max(int(s * rng.uniform(0.06, 0.18) / 2), 3)
    turn = rng.normal(0, 0.35, steps).cumsum() * 0.5 + rng.uniform(0, 6.3)
    pts = np.cumsum(2 * np.stack([np.cos(turn), np.sin(turn)], 1), 0)
    pts -= pts.min(0)
    width = max(1, int(round(s / 512 * rng.uniform(1, 2.2))))
    size = int(pts.max()) + 2 * width + 3
    out = np.zeros((size, size), np.float32)
    depth = s * rng.uniform(0.03, 0.07)
    p = np.round(pts + width + 1).astype(np.int32)
    for i in range(steps - 1):
        d = depth * (0.3 + 0.7 * np.sin(np.pi * (i + 0.5) / steps))
        cv2.line(out, tuple(map(int, p[i])), tuple(map(int, p[i + 1])),
                 float(d), width, cv2.LINE_8)
    return out


def _extent(mask: np.ndarray) -> Tuple[int, int]:
    """Height and width of the bounding box of ``mask``."""
    ys, xs = np.nonzero(mask)
    return int(ys.max() - ys.min() + 1), int(xs.max() - xs.min() + 1)


def _make_defect(rng, s: int, kind: str) -> np.ndarray:
    if kind == 'pore':
        return _ellipsoid(rng, s, max(s * rng.uniform(0.005, 0.011), 1.0),
                          (1.2, 2.0))
    if kind == 'void':
        return _ellipsoid(rng, s, s * rng.uniform(0.014, 0.035), (0.6, 1.0))
    if kind == 'cavity':
        return _cavity(rng, s)
    return _crack(rng, s)


def generate_xray_sample(seed: int,
                         index: int,
                         img_size: int = 512,
                         num_defects: Sequence[int] = (1, 5),
                         split: str = 'train',
                         critical_size: float = 0.025,
                         defect_weights: Optional[Dict[str, float]] = None,
                         max_defect_size: Optional[int] = None) -> dict:
    """Generate one radiograph, a pure function of ``(seed, split, index)``.

    Args:
        seed, index: the random stream; ``split`` names a separate stream so
            that e.g. ``train`` and ``val`` images differ.
        img_size: side of the square image in pixels.
        num_defects: inclusive ``(min, max)`` defects per image (fewer when
            there is no room for them on the part).
        critical_size: class threshold, see the module docstring.
        defect_weights: relative frequency of ``pore``, ``void``, ``cavity``
            and ``crack`` (default :data:`DEFAULT_DEFECT_WEIGHTS`).
        max_defect_size: largest box side in pixels; larger defects are
            drawn again (default: no limit).

    Returns:
        dict with ``img`` (uint16, ``img_size`` x ``img_size``),
        ``inst_map`` (uint8, 0 = background, k = ``instances[k - 1]``) and
        ``instances``: dicts with ``bbox`` ``[x1, y1, x2, y2]`` (pixel
        edges, exact extent of the mask), ``label`` (index in
        :data:`CLASSES`), ``defect_type`` and ``area`` (pixels).
    """
    s = int(img_size)
    lo, hi = int(num_defects[0]), int(num_defects[1])
    if not 0 <= lo <= hi <= 255:
        raise ValueError(f'num_defects must be 0 <= min <= max <= 255, got '
                         f'{num_defects}')
    weights = dict(DEFAULT_DEFECT_WEIGHTS, **(defect_weights or {}))
    if set(weights) != set(DEFECT_TYPES):
        raise ValueError(f'defect_weights keys must be among {DEFECT_TYPES}, '
                         f'got {sorted(defect_weights)}')
    kinds = list(weights)
    prob = np.array([weights[k] for k in kinds], float)
    prob /= prob.sum()
    rng = np.random.default_rng(
        [int(seed), zlib.crc32(split.encode()),
         int(index)])
    # Smooth fields on a coarse n x n grid, upsampled to s x s.
    n = max(s // 4, min(s, 64))
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    thick = _part_thickness(rng, n, xx, yy) * (s / n)
    mu = rng.uniform(8.0, 12.0) / s
    g = rng.uniform(0, 2 * np.pi)
    ramp = ((xx - n / 2) * np.cos(g) + (yy - n / 2) * np.sin(g)) / n
    rad = ((xx - n / 2)**2 + (yy - n / 2)**2) / n**2
    source = 1 - rng.uniform(0, 0.25) * ramp - rng.uniform(0, 0.5) * rad
    thick, source = (
        cv2.resize(a, (s, s), interpolation=cv2.INTER_LINEAR)
        for a in (thick, source))

    removed = np.zeros((s, s), np.float32)
    inst_map = np.zeros((s, s), np.uint8)
    instances: List[dict] = []
    margin, min_wall = 2, 0.01 * s
    for _ in range(int(rng.integers(lo, hi + 1))):
        kind = kinds[rng.choice(len(kinds), p=prob)]
        for _attempt in range(20):
            patch = _make_defect(rng, s, kind)
            mask = patch > 0
            ph, pw = patch.shape
            if not mask.any() or ph + 2 * margin >= s or pw + 2 * margin >= s:
                continue
            if max_defect_size and max(_extent(mask)) > max_defect_size:
                continue
            y0 = int(rng.integers(margin, s - ph - margin + 1))
            x0 = int(rng.integers(margin, s - pw - margin + 1))
            win = (slice(y0, y0 + ph), slice(x0, x0 + pw))
            near = inst_map[max(y0 - margin, 0):y0 + ph + margin,
                            max(x0 - margin, 0):x0 + pw + margin]
            if near.any() or (thick[win][mask] < patch[mask] + min_wall).any():
                continue
            removed[win] += patch
            inst_map[win][mask] = len(instances) + 1
            bx1, by1, bx2, by2 = (
                int(v) for v in mask2bbox(torch.from_numpy(mask)[None])[0])
            area = int(mask.sum())
            big = np.sqrt(4 * area / np.pi) >= critical_size * s
            label = 0 if kind == 'crack' or big else 1
            instances.append(
                dict(
                    bbox=[x0 + bx1, y0 + by1, x0 + bx2, y0 + by2],
                    label=label,
                    defect_type=kind,
                    area=area))
            break

    # Beer-Lambert projection with a smooth source / heel-effect gradient.
    ideal = source * np.exp(-mu * (thick - removed))
    # Detector: quantum noise, scintillator blur, gains, electronic noise.
    photons = rng.uniform(300, 1200)
    lam = ideal * photons  # Poisson; Gaussian approximation where lam >= 20
    counts = lam + np.sqrt(lam) * rng.standard_normal((s, s), np.float32)
    low = lam < 20
    counts[low] = rng.poisson(lam[low])
    counts = cv2.GaussianBlur(counts, (0, 0), rng.uniform(0.6, 1.1))
    dark = rng.uniform(500, 2000)
    gain = rng.uniform(0.55, 0.85) * (65535 - dark) / photons
    column = 1 + rng.normal(0, 0.004, s).astype(np.float32)
    img = dark + gain * counts * column + rng.uniform(40, 120) * (
        rng.standard_normal((s, s), np.float32))
    img = np.clip(np.rint(img), 0, 65535).astype(np.uint16)
    return dict(img=img, inst_map=inst_map, instances=instances)
