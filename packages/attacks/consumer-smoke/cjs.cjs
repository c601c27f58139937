// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@liftguard/tensor');
const { pgd, runAttack } = require('@liftguard/attacks');

initBackend({ backend: 'cpu', quiet: true })
  .then(async () => {
    const w = tf.tensor2d([
      [1, -1],
      [-1, 1],
    ]);
    const model = {
      inputShape: [2],
      numClasses: 2,
      trainableVariables: [],
      predict: (x) => tf.matMul(x, w),
    };
    const x = tf.tensor2d([[0.6, 0.4]]);
    // The margin is 0.4 and an L∞ step of ε moves it by 4ε: ε = 0.2 breaks it, ε = 0.05 does not.
    const result = await runAttack(model, { x, labels: [0] }, pgd({ norm: 'linf', steps: 10 }), {
      epsilons: [0.05, 0.2],
    });
    if (JSON.stringify(result.robustAccuracy) !== '[1,0]')
      throw new Error(`robust accuracy ${result.robustAccuracy}`);
    console.log('cjs ok');
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
