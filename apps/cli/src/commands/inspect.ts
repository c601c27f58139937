import { describeClassifier } from '@liftguard/models';
import { requiredOption } from '../args.js';
import type { Command } from '../command.js';
import { loadUserModel, userModelOptions } from '../user-model.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'what LiftGuard sees in a model: input shape and range, logits, parameters, layers repair can change, whether gradients flow here',
  usage: 'liftguard inspect --model PATH [--input-range 0-255] [--logits-layer NAME]',
  examples: ['liftguard inspect --model runs/bp', 'liftguard inspect --model mobilenet/model.json --input-range 0-255 --json'],
  options: {
    model: { type: 'string', placeholder: 'PATH', description: 'a folder written by liftguard, or a tfjs model.json (LayersModel or GraphModel) or its folder' },
    ...userModelOptions,
  },
  async run({ values, output, backend }) {
    const path = requiredOption(values, 'model');
    await backend();
    const loaded = await loadUserModel(path, values);
    try {
      const description = { model: path, format: loaded.format, ...describeClassifier(loaded.classifier) };
      output.result(description, () =>
        [
          `${path} (${description.format}, seen as ${description.kind})`,
          `input: [${description.inputShape.join(', ')}] in ${description.inputRange ? `[${description.inputRange.join(', ')}]` : '[0, 1] (not declared)'}; ${description.numClasses} classes`,
          `logits: ${JSON.stringify(description.logits)}`,
          `parameters: ${description.parameterCount.toLocaleString('en-US')}`,
          `repair can change: ${description.repairableLayers.map((l) => `${l.name} (${l.className}, ${l.parameterCount.toLocaleString('en-US')})`).join(', ') || 'none'}`,
          `input gradients on ${description.gradients.backend}: ${description.gradients.flows ? 'flow' : `do not flow (${description.gradients.error ?? 'unknown'})`}`,
        ].join('\n'),
      );
    } finally {
      loaded.dispose();
    }
  },
};
