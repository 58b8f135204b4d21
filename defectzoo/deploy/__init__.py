"""defectzoo.deploy: export (ONNX; one-stage detectors end to end), INT8
quantisation (PyTorch FX; ONNX Runtime for detectors) and the plain-module
wrappers they work on."""
from .detector import DeployDetector
from .onnx import export_onnx, onnx_max_abs_diff
from .quantize import quantize_fx
from .quantize_ort import quantize_onnx
from .wrappers import (DeployClassifier, DeployDefectAuxNet, DeployDetectorRaw,
                       DeploySegmentor)

__all__ = [
    'DeployClassifier', 'DeployDefectAuxNet', 'DeployDetector',
    'DeployDetectorRaw', 'DeploySegmentor', 'export_onnx', 'onnx_max_abs_diff',
    'quantize_fx', 'quantize_onnx'
]
