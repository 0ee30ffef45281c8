import { describe, expect, it } from 'vitest';
import { normal } from '../../src/init/normal.js';
import { ProjectionInitializers } from '../../src/init/projection-initializers.js';
import { scaledResidual } from '../../src/init/scaled-residual.js';

describe('ProjectionInitializers', () => {
  it('defaults to N(0, 0.02²) for both matrices and serializes only the kernel', () => {
    const inits = new ProjectionInitializers('FFN', {});
    expect(inits.kernel.getConfig()).toMatchObject({ mean: 0, stddev: 0.02 });
    expect(inits.output).toBe(inits.kernel);
    expect(Object.keys(inits.getConfig())).toEqual(['kernelInitializer']);
  });

  it('keeps a given output initializer and serializes it', () => {
    const output = scaledResidual({ std: 0.02, numLayers: 4 });
    const inits = new ProjectionInitializers('FFN', {
      kernelInitializer: normal({ std: 0.1 }),
      outputInitializer: output,
    });
    expect(inits.kernel.getConfig()).toMatchObject({ stddev: 0.1 });
    expect(inits.output).toBe(output);
    expect(inits.getConfig().outputInitializer).toEqual({
      className: output.getClassName(),
      config: output.getConfig(),
    });
  });

  it('names the owning layer and the argument on a bad initializer', () => {
    expect(
      () =>
        new ProjectionInitializers('MultiHeadAttention', {
          outputInitializer: { className: 'NoSuchInit', config: {} },
        }),
    ).toThrow('[MultiHeadAttention] outputInitializer: unknown initializer class "NoSuchInit"');
  });
});
