"""defectzoo: industrial defect detection on OpenMMLab 2.x.

torch and mmcv (with compiled ops) are installed by ``tools/install.sh``
before this package; see README.md.
"""
import os
import os.path as osp
import shutil
import sys
import warnings
from setuptools import find_packages, setup


def read_requirements(name):
    path = osp.join(osp.dirname(__file__), 'requirements', name)
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def read_version():
    scope = {}
    with open(osp.join('defectzoo', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def add_mim_extension():
    """Put configs, tools and model-index.yml into ``defectzoo/.mim`` (the
    OpenMMLab layout, as mmdet's setup.py does), so that ``mim search`` /
    ``mim download`` and the inferencers find them in an installed package:
    symlinks for development installs, copies for wheels / sdists."""
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        mode = 'symlink' if os.name != 'nt' else 'copy'
    elif {'sdist', 'bdist_wheel', 'build', 'install'} & set(sys.argv):
        mode = 'copy'
    else:
        return
    repo = osp.dirname(osp.abspath(__file__))
    mim_path = osp.join(repo, 'defectzoo', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in ('configs', 'tools', 'model-index.yml'):
        src, dst = osp.join(repo, name), osp.join(mim_path, name)
        if not osp.exists(src):
            continue
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, osp.dirname(dst)), dst)
        elif osp.isfile(src):
            shutil.copyfile(src, dst)
        elif osp.isdir(src):
            shutil.copytree(
                src,
                dst,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            warnings.warn(f'Cannot copy {src}.')


#: The commands of ``defectzoo/cli/`` installed as ``defectzoo-<name>``
#: (``_`` -> ``-``); ``tools/`` has the same commands as scripts.
COMMANDS = ('train', 'test', 'infer', 'vis_cam', 'quantize', 'export_onnx',
            'check_dataset', 'browse_dataset', 'few_shot_eval', 'kfold',
            'small_data', 'repeat_seeds', 'publish_model', 'fit_ood',
            'build_gallery', 'sample_defects', 'selfsup_to_det',
            'gdxray_to_coco', 'magnetic_tile_split', 'mixedwm38_to_folders',
            'neu_split', 'severstal_to_masks', 'superimpose_defects',
            'generate_synthetic_surface', 'generate_synthetic_xray')

add_mim_extension()
setup(
    name='defectzoo',
    version=read_version(),
    description='Industrial defect detection on OpenMMLab 2.x: X-ray '
    'self-supervised transfer, MVGG19 and SCL+ArcMargin',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(
        exclude=('configs', 'tools', 'tests', 'benchmarks')),
    include_package_data=True,
    # the inspection report's page (template, style, script)
    package_data={
        'defectzoo.visualization.report': ['*.html', '*.css', '*.js']
    },
    install_requires=read_requirements('runtime.txt'),
    extras_require={
        'tests': read_requirements('tests.txt'),
        'optional': read_requirements('optional.txt'),  # tensorboard
    },
    entry_points={
        'console_scripts': [
            f'defectzoo-{name.replace("_", "-")} = defectzoo.cli.{name}:main'
            for name in COMMANDS
        ]
    },
    zip_safe=False,
)
