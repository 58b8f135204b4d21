"""defectzoo.deploy: export (ONNX), INT8 quantisation and the plain-module
wrappers they work on."""
from .onnx import export_onnx, onnx_max_abs_diff
from .quantize import quantize_fx
from .wrappers import (DeployClassifier, DeployDefectAuxNet, DeployDetectorRaw,
                       DeploySegmentor)

__all__ = [
    'DeployClassifier', 'DeployDefectAuxNet', 'DeployDetectorRaw',
    'DeploySegmentor', 'export_onnx', 'onnx_max_abs_diff', 'quantize_fx'
]
