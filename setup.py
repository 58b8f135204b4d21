"""defectzoo: industrial defect detection on OpenMMLab 2.x.

torch and mmcv (with compiled ops) are installed by ``tools/install.sh``
before this package; see README.md.
"""
import os.path as osp

from setuptools import find_packages, setup


def read_requirements(name):
    path = osp.join(osp.dirname(__file__), 'requirements', name)
    with open(path) as f:
        return [line.strip() for line in f
                if line.strip() and not line.startswith('#')]


def read_version():
    scope = {}
    with open(osp.join('defectzoo', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='defectzoo',
    version=read_version(),
    description='Industrial defect detection on OpenMMLab 2.x: X-ray SSL, '
    'MVGG19, SCL+ArcMargin, Defect-Aux-Net, Magna-Defect-GAN, '
    'distillation and Grad-CAM',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(
        exclude=('configs', 'tools', 'tests', 'benchmarks')),
    include_package_data=True,
    install_requires=read_requirements('runtime.txt'),
    extras_require={
        'tests': read_requirements('tests.txt'),
        'optional': read_requirements('optional.txt'),  # tensorboard
    },
    zip_safe=False,
)
