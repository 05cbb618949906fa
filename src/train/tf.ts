// The one place in src/train that imports TensorFlow.js. Everything under src/train takes `tf` from here, so the
// compute engineer can swap the package (tfjs-node, a custom build) or register kernels in one spot.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Variable } from '@tensorflow/tfjs';
