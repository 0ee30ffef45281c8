export type { Initializer } from './initializer-base.js';
export { type NormalArgs, normal } from './normal.js';
export { Orthogonal, type OrthogonalArgs, orthogonal } from './orthogonal.js';
export type { InitializerSpec, SerializedInitializer } from './resolve-initializer.js';
export { ScaledResidual, type ScaledResidualArgs, scaledResidual } from './scaled-residual.js';
export { TiedNormal, type TiedNormalArgs, tiedNormal } from './tied-normal.js';
