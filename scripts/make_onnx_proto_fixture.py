#!/usr/bin/env python3
"""Writes test/unit/onnx/protoFixture.json: the bytes Python's `onnx` serializes for one small model that uses every
encoding src/core/onnx/proto.ts writes (raw and external initializers, int/float/string/ints/floats/tensor
attributes, negative ints, symbolic and static dims, a contrib-op domain, metadata). test/unit/onnx/proto.test.ts
builds the same model with proto.ts and compares the bytes. Debugging aid only: the product never needs Python.

  pip install --index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple onnx
  python3 scripts/make_onnx_proto_fixture.py
"""
import base64
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "unit", "onnx", "protoFixture.json")

w_raw = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], np.arange(6, dtype="<f4").tobytes(), raw=True)
w_ext = TensorProto()
w_ext.name = "w_ext"
w_ext.data_type = TensorProto.BFLOAT16
w_ext.dims.extend([3, 2])
for key, value in (("location", "model.safetensors"), ("offset", "4104"), ("length", "12")):
    w_ext.external_data.add(key=key, value=value)  # the key order set_external_data writes
w_ext.data_location = TensorProto.EXTERNAL
shape = helper.make_tensor("shape", TensorProto.INT64, [2], np.array([-1, 3], dtype="<i8").tobytes(), raw=True)
nodes = [
    helper.make_node("Cast", ["w_ext"], ["w_f"], to=TensorProto.FLOAT),
    helper.make_node("Gemm", ["x", "w"], ["y"], name="gemm0", alpha=0.5, transB=1),
    helper.make_node("Reshape", ["y", "shape"], ["y2"]),
    helper.make_node("ReduceMean", ["y2"], ["m"], axes=[-1], keepdims=1),
    helper.make_node("Constant", [], ["c"], value=helper.make_tensor("cv", TensorProto.FLOAT, [], np.array(1.5, dtype="<f4").tobytes(), raw=True)),
    helper.make_node("FusedMatMul", ["y2", "w_f"], ["z"], domain="com.microsoft", alpha=0.125, transB=0),
    helper.make_node("Foo", ["z"], ["q"], mode="tanh", scales=[0.5, -2.0]),
]
graph = helper.make_graph(
    nodes, "fixture",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, ["batch", 2]), helper.make_tensor_value_info("m", TensorProto.FLOAT, [])],
    initializer=[w_raw, w_ext, shape],
)
model = helper.make_model(graph, producer_name="reward-lens", ir_version=8,
                          opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
helper.set_model_props(model, {"source": "fixture", "format": "reward-lens-onnx-1"})
data = model.SerializeToString()
with open(OUT, "w") as f:
    json.dump({"generator": "scripts/make_onnx_proto_fixture.py", "onnx": onnx.__version__, "base64": base64.b64encode(data).decode()}, f, indent=2)
    f.write("\n")
print(f"wrote {OUT}: {len(data)} bytes")
