import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { UntiedLMHead } from '../../src/heads/untied-lm-head.js';
import { normal } from '../../src/init/normal.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose } from '../helpers/reference.js';
import { smallModelOptions } from '../helpers/tie-integrity.js';

describe('UntiedLMHead', () => {
  it('passes the layer contract', async () => {
    await expectLayerContract({
      create: () =>
        new UntiedLMHead({ vocabSize: 30, useBias: true, kernelInitializer: normal({ std: 0.3 }) }),
      inputs: [{ shape: [2, 5, 8] }],
      outputShape: [2, 5, 30],
      trainableWeights: 2,
    });
  });

  it('computes h·W + b with its own matrix', () => {
    const head = new UntiedLMHead({ vocabSize: 6 });
    const h = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const logits = head.apply(h) as tf.Tensor;
    expectClose(logits, tf.matMul(h, head.getWeights()[0] as tf.Tensor).arraySync());
  });

  it('is reported as untied, and stores a second n×d matrix', () => {
    const model = createCausalLM(smallModelOptions('untied'));
    expect(verifyTie(model)).toMatchObject({ tied: false, outputLayer: 'lm_head' });
    expect(
      model.trainableWeights.filter((w) => w.shape.join() === '40,8' || w.shape.join() === '8,40'),
    ).toHaveLength(2);
  });

  it.each([
    [{ vocabSize: 0 }, '[UntiedLMHead] vocabSize must be a positive integer, got 0'],
    [{ vocabSize: 10, useBias: 'no' }, '[UntiedLMHead] useBias must be true or false, got "no"'],
  ])('rejects %j', (args, message) => {
    expect(() => new UntiedLMHead(args as never)).toThrow(message);
  });

  it('rejects hidden states of a changed width', () => {
    const head = new UntiedLMHead({ vocabSize: 10 });
    head.apply(tf.ones([1, 4]));
    expect(() => head.apply(tf.ones([1, 5]))).toThrow(
      '[UntiedLMHead] input last dimension must be 4, got shape [1,5]',
    );
  });
});
