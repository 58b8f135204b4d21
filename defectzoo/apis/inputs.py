"""The images of an inference run: files, folders (class sub-folders
searched recursively), numpy arrays; an input without images is an error
that says what it holds instead."""
import os
import os.path as osp
from collections import Counter
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np

from .run_dir import LOG

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp',
                  '.pgm', '.ppm')

InputType = Union[str, np.ndarray]


class NoImagesError(ValueError):
    """No image among the inputs (the message names what was found)."""


def is_image(name: str) -> bool:
    return name.lower().endswith(IMG_EXTENSIONS)


def _top_images(folder: str) -> List[str]:
    with os.scandir(folder) as it:
        return [e.name for e in it if e.is_file() and is_image(e.name)]


def folder_images(
    folder: str,
    recursive: Optional[bool] = None,
    exclude: Sequence[str] = ()
) -> Tuple[List[str], bool]:
    """Sorted image paths of ``folder`` and whether its sub-folders were
    searched: ``recursive=None`` searches them only when the top level has
    no image (a folder of class folders). Hidden folders, ``exclude``
    (e.g. the output folder) and earlier runs' output folders are passed
    over."""
    top = _top_images(folder)
    if recursive is False or (recursive is None and top):
        return [osp.join(folder, f) for f in sorted(top)], False
    skip = {osp.realpath(p) for p in exclude}
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [
            d for d in dirs
            if not d.startswith('.') and osp.realpath(osp.join(root, d)) not in
            skip and not osp.exists(osp.join(root, d, LOG))
        ]
        found += [osp.join(root, f) for f in files if is_image(f)]
    return sorted(found), True


def _count(n: int, word: str) -> str:
    return f'{n} {word}' + ('' if n == 1 else 's')


def describe_folder(folder: str, searched_deep: bool = True) -> str:
    """What a folder holds, e.g. ``found 3 files (.txt)`` (the files of
    its top level only unless ``searched_deep``)."""
    exts, subdirs, images = Counter(), 0, 0
    for root, dirs, files in os.walk(folder):
        subdirs += len(dirs)
        if searched_deep or root == folder:
            exts.update(
                osp.splitext(f)[1].lower() or 'no extension' for f in files)
        else:
            images += sum(map(is_image, files))
    n = sum(exts.values())
    text = f'found {_count(n, "file")}' + (f' ({", ".join(sorted(exts))})'
                                           if n else '')
    if subdirs:
        text += f' and {_count(subdirs, "sub-folder")}'
    if images and not searched_deep:
        text += (f' with {_count(images, "image")} (searched the top level '
                 'only: use --recursive)')
    return text


def collect_inputs(
    inputs,
    recursive: Optional[bool] = None,
    exclude: Sequence[str] = (),
    log: Optional[Callable[[str],
                           None]] = None) -> List[Tuple[str, InputType]]:
    """``(name, source)`` per image: files (as given), folders (sorted
    image files; see :func:`folder_images`), numpy arrays (``array_0000``,
    ...). ``log`` is told of folders searched recursively.

    Raises:
        NoImagesError: no image at all, naming what the folders hold.
    """
    if isinstance(inputs, (str, np.ndarray)):
        inputs = [inputs]
    items, empty = [], []
    for i, src in enumerate(inputs):
        if isinstance(src, np.ndarray):
            items.append((f'array_{i:04d}', src))
        elif osp.isdir(src):
            paths, deep = folder_images(str(src), recursive, exclude)
            if deep and paths and log is not None:
                dirs = len({osp.dirname(p) for p in paths})
                log(f'searched {src} recursively (no image at its top '
                    f'level): {len(paths)} image(s) in {dirs} folder(s)')
            items += [(p, p) for p in paths]
            if not paths:
                empty.append(
                    f'no images in {src}: {describe_folder(src, deep)}')
        else:
            items.append((str(src), str(src)))
    if not items:
        raise NoImagesError('; '.join(empty) or 'no input images given')
    return items
