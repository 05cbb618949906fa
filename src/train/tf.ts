// The one place in src/train that imports TensorFlow.js. Everything under src/train takes `tf` from here, so the
// compute engineer can swap the package (tfjs-node, a custom build) or register kernels in one spot.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { NamedTensorMap, Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Variable } from '@tensorflow/tfjs';

// PROD silences tfjs's console warnings, among them "looks like you are running TensorFlow.js in Node.js… install
// tfjs-node", printed on the cpu backend's first use: the doctor (reward-lens doctor) says which backends exist and why.
tf.env().set('PROD', true);
