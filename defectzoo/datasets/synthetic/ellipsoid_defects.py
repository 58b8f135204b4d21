"""Simulated 3-D ellipsoidal defects superimposed on real radiographs.

After D. Mery, *Aluminum casting inspection using deep object detection
methods and simulated ellipsoidal defects*, MVA 32:72 (2021) (and Mery &
Filbert 2001): a void of path length ``L(x, y)`` along the beam removes
metal, so by the attenuation law ``I = I0 exp(-mu T)`` the transmitted
intensity over the defect becomes

    I'(x, y) = o + (I(x, y) - o) * exp(mu * L(x, y))

(``o``: the detector's dark offset; a void attenuates less than metal, so a
defect is *brighter*). The factor ``exp(mu L)`` is blurred by the
detector's point spread (Gaussian, ``psf_sigma`` px) before it multiplies
the image, so the image's own noise and texture stay in the defect, scaled
like quantum noise. For inverted radiographs (metal bright,
``polarity='dark'``) the same law is applied to ``white - I``.

Path length of an ellipsoid with semi-axes ``a, b, c`` and rotation ``R``:
a point ``p`` is inside when ``p^T A p <= 1`` with
``A = R diag(a^-2, b^-2, c^-2) R^T``; along the ray ``p = (u, v, z)`` this
is a quadratic in ``z`` whose two roots are ``L = 2 sqrt(disc) / A33``
apart, ``disc = (A13 u + A23 v)^2 - A33 (A11 u^2 + 2 A12 u v + A22 v^2 - 1)``
(for a sphere of radius ``r``: ``L = 2 sqrt(r^2 - u^2 - v^2)``).

Everything here is a pure function of its arguments and a
``numpy.random.Generator``.
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

#: ``(min, max)`` projected diameter in pixels, matched to casting pores.
DEFAULT_SIZE_RANGE = (4.0, 40.0)


def rotation_matrix(angles: Sequence[float]) -> np.ndarray:
    """``R = Rz(gamma) Ry(beta) Rx(alpha)`` of ``angles = (alpha, beta,
    gamma)`` in radians."""
    al, be, ga = angles
    rx = np.array([[1, 0, 0], [0, np.cos(al), -np.sin(al)],
                   [0, np.sin(al), np.cos(al)]])
    ry = np.array([[np.cos(be), 0, np.sin(be)], [0, 1, 0],
                   [-np.sin(be), 0, np.cos(be)]])
    rz = np.array([[np.cos(ga), -np.sin(ga), 0], [np.sin(ga),
                                                  np.cos(ga), 0], [0, 0, 1]])
    return rz @ ry @ rx


def ellipsoid_path_length(u: np.ndarray, v: np.ndarray, axes: Sequence[float],
                          rotation: np.ndarray) -> np.ndarray:
    """Path length ``L`` of the beam (along ``z``) through an ellipsoid
    centred at ``u = v = 0`` (see the module docstring); 0 outside."""
    a, b, c = (float(x) for x in axes)
    A = rotation @ np.diag([a**-2, b**-2, c**-2]) @ rotation.T
    lin = A[0, 2] * u + A[1, 2] * v
    quad = A[0, 0] * u * u + 2 * A[0, 1] * u * v + A[1, 1] * v * v - 1
    disc = lin * lin - A[2, 2] * quad
    return 2 * np.sqrt(np.clip(disc, 0, None)) / A[2, 2]


def project_ellipsoid(axes: Sequence[float],
                      rotation: np.ndarray,
                      centre: Tuple[float, float] = (0.0, 0.0),
                      supersample: int = 1) -> Tuple[np.ndarray, int, int]:
    """Rasterise ``L`` on the pixel grid around a sub-pixel ``centre``.

    Pixel ``(i, j)`` covers ``[j, j + 1) x [i, i + 1)``; its value is the
    mean of ``L`` over ``supersample``² points inside it (1: its centre).
    Returns ``(patch, x0, y0)``: ``patch[i, j]`` is pixel ``(x0 + j, y0 +
    i)``. The patch extends one pixel beyond the largest semi-axis.
    """
    h = int(np.ceil(max(axes))) + 1
    cx, cy = centre
    x0, y0 = int(np.floor(cx)) - h, int(np.floor(cy)) - h
    n = 2 * h + 1
    s = int(supersample)
    offs = (np.arange(s) + 0.5) / s
    grid = np.arange(n)[:, None] + offs[None]  # (n, s)
    xs = (x0 + grid).reshape(-1) - cx
    ys = (y0 + grid).reshape(-1) - cy
    L = ellipsoid_path_length(xs[None, :], ys[:, None], axes, rotation)
    patch = L.reshape(n, s, n, s).mean(axis=(1, 3))
    return patch.astype(np.float32), x0, y0


def estimate_noise_sigma(img: np.ndarray) -> float:
    """Noise level of an image: ``1.4826 * MAD`` of the difference to its
    3x3 median, times ``sqrt(9/8)`` (robust to edges and defects)."""
    f = img.astype(np.float32)
    med = cv2.medianBlur(f, 3)
    d = (f - med).ravel()
    return float(1.4826 * np.median(np.abs(d - np.median(d))) * np.sqrt(9 / 8))


def find_part_mask(img: np.ndarray,
                   polarity: str = 'bright',
                   blur: float = 2.0,
                   min_fraction: float = 0.01) -> np.ndarray:
    """The part (material) vs. air / background of a radiograph.

    Otsu's threshold on the log intensity of a blurred copy splits the
    image into more attenuated (part) and less attenuated (air) pixels
    (for ``polarity='dark'`` the other way round); small specks are removed
    by a morphological opening. When either side covers less than
    ``min_fraction`` of the image (no air in view) the whole image is part.
    """
    f = cv2.GaussianBlur(img.astype(np.float32), (0, 0), blur)
    f = np.log1p(f - min(float(f.min()), 0))
    lo, hi = float(f.min()), float(f.max())
    if hi <= lo:
        return np.ones(img.shape[:2], bool)
    q = np.round((f - lo) / (hi - lo) * 255).astype(np.uint8)
    thr, _ = cv2.threshold(q, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    part = q <= thr if polarity == 'bright' else q > thr
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    part = cv2.morphologyEx(part.astype(np.uint8), cv2.MORPH_OPEN,
                            kernel).astype(bool)
    frac = part.mean()
    if frac < min_fraction or frac > 1 - min_fraction:
        return np.ones(img.shape[:2], bool)
    return part


def sample_ellipsoid(
    rng: np.random.Generator,
    size_range: Sequence[float] = DEFAULT_SIZE_RANGE,
    aspect_range: Sequence[float] = (0.5, 1.0),
    depth_range: Sequence[float] = (0.5, 2.0)
) -> dict:
    """A random ellipsoid: largest in-plane diameter log-uniform in
    ``size_range`` (px), second axis ``aspect`` times the first, depth
    axis ``c = depth * a``, random 3-D orientation (in-plane angle uniform,
    tilt out of the plane up to 45 degrees)."""
    lo, hi = np.log(size_range[0]), np.log(size_range[1])
    a = float(np.exp(rng.uniform(lo, hi))) / 2
    b = a * float(rng.uniform(*aspect_range))
    c = a * float(rng.uniform(*depth_range))
    angles = (rng.uniform(-np.pi / 4, np.pi / 4),
              rng.uniform(-np.pi / 4, np.pi / 4), rng.uniform(0, np.pi))
    return dict(axes=(a, b, c), angles=tuple(float(x) for x in angles))


def _fits(footprint: np.ndarray, x0: int, y0: int, allowed: np.ndarray,
          margin: int) -> bool:
    """All of ``footprint`` (dilated by ``margin``) lies on ``allowed``."""
    h, w = allowed.shape
    ys, xs = np.nonzero(footprint)
    if margin:
        k = np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)
        ys, xs = np.nonzero(
            cv2.dilate(np.pad(footprint.astype(np.uint8), margin),
                       k).astype(bool))
        ys, xs = ys - margin, xs - margin
    ys, xs = ys + y0, xs + x0
    if ys.min() < 0 or xs.min() < 0 or ys.max() >= h or xs.max() >= w:
        return False
    return bool(allowed[ys, xs].all())


def _add_blurred(out: np.ndarray, patch: np.ndarray, x0: int, y0: int,
                 sigma: float) -> None:
    """``out += G_sigma * patch`` placed at ``(x0, y0)``, cut to ``out``."""
    pad = int(np.ceil(3 * sigma)) if sigma > 0 else 0
    patch = np.pad(patch, pad)
    if sigma > 0:
        patch = cv2.GaussianBlur(patch, (2 * pad + 1, 2 * pad + 1), sigma)
    x0, y0 = x0 - pad, y0 - pad
    h, w = out.shape
    ph, pw = patch.shape
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + pw, w), min(y0 + ph, h)
    out[ya:yb, xa:xb] += patch[ya - y0:yb - y0, xa - x0:xb - x0]


def superimpose_ellipsoids(img: np.ndarray,
                           rng: np.random.Generator,
                           num_defects: Sequence[int] = (1, 6),
                           size_range: Sequence[float] = DEFAULT_SIZE_RANGE,
                           aspect_range: Sequence[float] = (0.5, 1.0),
                           depth_range: Sequence[float] = (0.5, 2.0),
                           mu: Sequence[float] = (0.01, 0.04),
                           psf_sigma: Sequence[float] = (0.5, 1.0),
                           offset: float = 0.0,
                           polarity: str = 'bright',
                           part_mask: Optional[np.ndarray] = None,
                           forbidden: Optional[np.ndarray] = None,
                           margin: int = 2,
                           supersample: int = 3,
                           max_attempts: int = 50) -> Tuple[np.ndarray, List]:
    """Place random ellipsoidal voids inside the part of a radiograph.

    Args:
        img: 2-D grayscale radiograph, uint8 / uint16 / float32 (returned
            in the same dtype, clipped to its range).
        rng: the random stream (the result is a pure function of it).
        num_defects: inclusive ``(min, max)`` defects to place (fewer when
            there is no room).
        size_range: largest projected diameter in px, log-uniform.
        aspect_range, depth_range: second in-plane axis and depth axis as
            fractions of the first.
        mu: linear attenuation coefficient of the metal per pixel of path,
            uniform in this range (the grey-value change at path ``L`` is
            ``exp(mu L)``).
        psf_sigma: detector blur (Gaussian sigma, px), uniform in range.
        offset: the grey value of no transmitted X-rays (dark offset).
        polarity: ``'bright'`` (voids brighter, the usual radiograph) or
            ``'dark'`` (inverted images).
        part_mask: where defects may go (bool, HxW); default
            :func:`find_part_mask`.
        forbidden: where they may not (ignore regions, labelled defects).
        margin: free pixels kept around each defect and the part border.

    Returns:
        ``(image, defects)``: each defect a dict with ``bbox`` ``[x1, y1,
        x2, y2]`` (pixel edges: the exact extent of the projected
        ellipsoid, ``L > 0``), ``mask`` (bool, HxW), ``axes``, ``angles``,
        ``centre``, ``mu`` and ``psf_sigma``.
    """
    if img.ndim != 2:
        raise ValueError(f'expected a 2-D grayscale image, got shape '
                         f'{img.shape}')
    if polarity not in ('bright', 'dark'):
        raise ValueError(f"polarity must be 'bright' or 'dark', got "
                         f'{polarity!r}')
    h, w = img.shape
    if part_mask is None:
        part_mask = find_part_mask(img, polarity)
    allowed = part_mask.astype(bool).copy()
    if forbidden is not None:
        allowed &= ~forbidden.astype(bool)
    white = float(np.iinfo(img.dtype).max) if img.dtype.kind in 'ui' \
        else float(img.max())
    f = img.astype(np.float32)
    signal = f - offset if polarity == 'bright' else white - f
    delta = np.zeros((h, w), np.float32)  # exp(mu L) - 1, blurred
    defects: List[dict] = []
    for _ in range(int(rng.integers(num_defects[0], num_defects[1] + 1))):
        for _attempt in range(max_attempts):
            e = sample_ellipsoid(rng, size_range, aspect_range, depth_range)
            centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
            rot = rotation_matrix(e['angles'])
            L, x0, y0 = project_ellipsoid(e['axes'], rot, centre, supersample)
            foot = L > 0
            if not foot.any() or not _fits(foot, x0, y0, allowed, margin):
                continue
            m = float(rng.uniform(*mu))
            sigma = float(rng.uniform(*psf_sigma))
            ys, xs = np.nonzero(foot)
            mask = np.zeros((h, w), bool)
            mask[ys + y0, xs + x0] = True
            _add_blurred(delta, np.expm1(m * L), x0, y0, sigma)
            allowed &= ~mask  # later defects keep their distance
            k = np.ones((2 * margin + 1, ) * 2, np.uint8)
            allowed &= ~cv2.dilate(mask.astype(np.uint8), k).astype(bool)
            defects.append(
                dict(
                    bbox=[
                        int(xs.min() + x0),
                        int(ys.min() + y0),
                        int(xs.max() + x0 + 1),
                        int(ys.max() + y0 + 1)
                    ],
                    mask=mask,
                    centre=centre,
                    mu=m,
                    psf_sigma=sigma,
                    **e))
            break
    signal = signal * (1 + delta)
    out = offset + signal if polarity == 'bright' else white - signal
    if img.dtype.kind in 'ui':
        info = np.iinfo(img.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(img.dtype), defects
