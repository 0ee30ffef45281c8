import * as tf from '@tensorflow/tfjs';
import { expectTieIntegrity, smallModelOptions } from './tests/helpers/tie-integrity.ts';

try {
  await expectTieIntegrity(smallModelOptions('tied'));
  console.log('ok');
} catch (e) {
  console.log(e.stack);
}
