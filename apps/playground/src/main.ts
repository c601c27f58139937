import type { NormName } from '@liftguard/attacks';
import type { SequentialClassifier } from '@liftguard/models';
import { attackOneImage, type AttackKind } from './attack-one-image';
import { argMax, classProbabilities } from './class-probabilities';
import { DrawingPad } from './drawing-pad';
import { attackHiddenLayer, hiddenLayerCount } from './internal-layer-attack';
import { renderRobustnessChart } from './line-chart';
import { loadShippedModel } from './load-model';
import { shippedModels, type ShippedModel } from './model-catalog';
import { element } from './page-elements';
import { renderProbabilities } from './probability-bars';
import { drawGrayImage, drawPerturbation } from './render-image';
import { curveEpsilons, robustnessCurve } from './robustness-curve';
import { startBackend } from './start-backend';
import { loadTestDigits, type TestDigits } from './test-digits';
import { installTestHook } from './test-hook';

const hook = installTestHook();
const epsilonRange: Record<'linf' | 'l2', { max: number; step: number; initial: number }> = {
  linf: { max: 0.5, step: 0.01, initial: 0.1 },
  l2: { max: 5, step: 0.1, initial: 1.5 },
};

interface LoadedModel extends ShippedModel {
  model: SequentialClassifier;
}

const ui = {
  badge: element('backend-badge', HTMLSpanElement),
  loadStatus: element('load-status', HTMLParagraphElement),
  digitIndex: element('digit-index', HTMLInputElement),
  digitPrevious: element('digit-previous', HTMLButtonElement),
  digitNext: element('digit-next', HTMLButtonElement),
  digitLabel: element('digit-label', HTMLSpanElement),
  drawCanvas: element('draw-canvas', HTMLCanvasElement),
  drawClear: element('draw-clear', HTMLButtonElement),
  predictions: element('predictions', HTMLDivElement),
  predictionsSummary: element('predictions-summary', HTMLParagraphElement),
  attackProbabilities: element('attack-probabilities', HTMLDivElement),
  attackModel: element('attack-model', HTMLSelectElement),
  attackKind: element('attack-kind', HTMLSelectElement),
  attackNorm: element('attack-norm', HTMLSelectElement),
  attackEpsilon: element('attack-epsilon', HTMLInputElement),
  attackEpsilonValue: element('attack-epsilon-value', HTMLOutputElement),
  attackRun: element('attack-run', HTMLButtonElement),
  attackStatus: element('attack-status', HTMLParagraphElement),
  attackOriginal: element('attack-original', HTMLCanvasElement),
  attackPerturbation: element('attack-perturbation', HTMLCanvasElement),
  attackAdversarial: element('attack-adversarial', HTMLCanvasElement),
  attackOriginalCaption: element('attack-original-caption', HTMLElement),
  attackAdversarialCaption: element('attack-adversarial-caption', HTMLElement),
  internalPanel: element('internal-attack', HTMLDivElement),
  internalLayer: element('internal-layer', HTMLSelectElement),
  internalRho: element('internal-rho', HTMLInputElement),
  internalRhoValue: element('internal-rho-value', HTMLOutputElement),
  internalRun: element('internal-run', HTMLButtonElement),
  internalStatus: element('internal-status', HTMLParagraphElement),
  curveSize: element('curve-size', HTMLSelectElement),
  curveRun: element('curve-run', HTMLButtonElement),
  curveProgress: element('curve-progress', HTMLProgressElement),
  curveStatus: element('curve-status', HTMLParagraphElement),
  curveChart: element('curve-chart', HTMLDivElement),
};
const actionButtons = [ui.attackRun, ui.internalRun, ui.curveRun];

let models: LoadedModel[] = [];
let digits: TestDigits;
let input: Float32Array = new Float32Array(28 * 28);
const pad = new DrawingPad(ui.drawCanvas, () => {
  ui.digitLabel.textContent = 'your drawing';
  setInput(pad.read(), null);
});

/** Shows every model's prediction for `pixels`; `label` is the true class of a test digit, null for a drawing. */
function setInput(pixels: Float32Array, label: number | null): void {
  input = pixels;
  for (const m of models) {
    let box = ui.predictions.querySelector<HTMLElement>(`[data-model="${m.id}"]`);
    if (!box) {
      box = document.createElement('div');
      box.className = 'model-card';
      box.dataset.model = m.id;
      ui.predictions.append(box);
    }
    const note = m.squaredOutputs ? 'Trained with a squared loss: its outputs are scores near one-hot targets, so their softmax is flat; the top class is the prediction.' : '';
    renderProbabilities(box, m.title, classProbabilities(m.model, pixels), label, note);
  }
  // One short sentence for screen readers instead of forty bars.
  ui.predictionsSummary.textContent = models.map((m) => `${m.title} predicts ${argMax(classProbabilities(m.model, pixels))}`).join('; ') + '.';
}

function showDigit(index: number): void {
  const i = Math.min(digits.count - 1, Math.max(0, Math.round(index) || 0));
  ui.digitIndex.value = String(i);
  const pixels = digits.image(i);
  ui.digitLabel.textContent = `true label ${digits.labels[i]}`;
  pad.show(pixels);
  setInput(pixels, digits.labels[i]!);
}

function selectedModel(): LoadedModel {
  return models.find((m) => m.id === ui.attackModel.value) ?? models[0]!;
}

function syncEpsilonSlider(): void {
  const range = epsilonRange[ui.attackNorm.value as 'linf' | 'l2'];
  ui.attackEpsilon.max = String(range.max);
  ui.attackEpsilon.step = String(range.step);
  if (Number(ui.attackEpsilon.value) > range.max || ui.attackEpsilon.dataset.norm !== ui.attackNorm.value) ui.attackEpsilon.value = String(range.initial);
  ui.attackEpsilon.dataset.norm = ui.attackNorm.value;
  ui.attackEpsilonValue.value = ui.attackEpsilon.value;
  ui.attackEpsilon.setAttribute('aria-valuetext', `ε = ${ui.attackEpsilon.value}`);
}

function syncInternalPanel(): void {
  const chosen = selectedModel();
  ui.internalPanel.hidden = !chosen.lifted;
  if (chosen.lifted && ui.internalLayer.options.length === 0) {
    for (let k = 1; k <= hiddenLayerCount(chosen.model); k++) ui.internalLayer.add(new Option(`layer ${k}`, String(k)));
  }
  ui.internalRhoValue.value = ui.internalRho.value;
}

async function busy<T>(work: () => Promise<T>): Promise<T> {
  for (const b of actionButtons) b.disabled = true;
  try {
    return await work();
  } finally {
    for (const b of actionButtons) b.disabled = false;
  }
}

async function runAttackOnInput(): Promise<void> {
  const chosen = selectedModel();
  const norm = ui.attackNorm.value as NormName;
  const epsilon = Number(ui.attackEpsilon.value);
  const kind = ui.attackKind.value as AttackKind;
  ui.attackStatus.textContent = `Attacking ${chosen.title}…`;
  const original = input;
  const result = await busy(() => attackOneImage(chosen.model, original, { kind, norm, epsilon }));
  const delta = result.adversarial.map((v, i) => v - original[i]!);
  drawGrayImage(ui.attackOriginal, original);
  drawPerturbation(ui.attackPerturbation, delta);
  drawGrayImage(ui.attackAdversarial, result.adversarial);
  renderProbabilities(ui.attackProbabilities, `${chosen.title} on the adversarial`, result.probabilities, result.cleanPrediction);
  ui.attackOriginalCaption.textContent = `Original: predicted ${result.cleanPrediction}`;
  ui.attackAdversarialCaption.textContent = `Adversarial: predicted ${result.prediction}`;
  ui.attackAdversarial.setAttribute('aria-label', `Adversarial image, predicted ${result.prediction}`);
  const flipped = result.prediction !== result.cleanPrediction;
  const normLabel = norm === 'linf' ? '‖δ‖∞' : '‖δ‖₂';
  ui.attackStatus.textContent =
    `${kind.toUpperCase()} on ${chosen.title}: ${result.cleanPrediction} → ${result.prediction} ` +
    `(${flipped ? 'prediction flipped' : 'prediction held'}, ${(100 * result.probabilities[result.prediction]!).toFixed(1)} %), ` +
    `${normLabel} = ${result.perturbationNorm.toFixed(3)} ≤ ε = ${epsilon}, ${result.milliseconds.toFixed(0)} ms`;
  ui.attackStatus.dataset.flipped = String(flipped);
  hook.lastAttack = {
    model: chosen.id,
    norm,
    epsilon,
    original: Array.from(original),
    adversarial: Array.from(result.adversarial),
    cleanPrediction: result.cleanPrediction,
    prediction: result.prediction,
    milliseconds: result.milliseconds,
  };
  hook.attacks += 1;
}

async function runInternalAttack(): Promise<void> {
  const chosen = selectedModel();
  const layer = Number(ui.internalLayer.value);
  const rho = Number(ui.internalRho.value);
  // Attack the model's own prediction, as for the input attack.
  const prediction = argMax(classProbabilities(chosen.model, input));
  ui.internalStatus.textContent = `Attacking hidden layer ${layer}…`;
  const outcome = await busy(() => attackHiddenLayer(chosen.model, input, prediction, layer, rho));
  ui.internalStatus.textContent =
    `Layer ${layer}, ρ = ${rho} (‖δ‖₂ ≤ ${outcome.epsilon.toFixed(2)} of ‖z‖₂ = ${outcome.activityNorm.toFixed(2)}): ` +
    `${outcome.survived ? `still predicts ${prediction}` : `prediction ${prediction} flipped`}, ${outcome.milliseconds.toFixed(0)} ms`;
}

async function runCurve(): Promise<void> {
  const norm = ui.attackNorm.value as 'linf' | 'l2';
  const epsilons = curveEpsilons[norm];
  const batch = digits.batch(Number(ui.curveSize.value));
  const normLabel = norm === 'linf' ? 'L∞' : 'L2';
  const started = performance.now();
  ui.curveProgress.value = 0;
  const series = await busy(() =>
    robustnessCurve(
      models.map((m) => ({ name: m.title, model: m.model })),
      batch,
      norm,
      epsilons,
      (done, total, partial) => {
        ui.curveProgress.value = done / total;
        ui.curveStatus.textContent = `${done} of ${total} (model, ε) pairs…`;
        renderRobustnessChart(ui.curveChart, epsilons, partial, normLabel);
      },
    ),
  );
  ui.curveStatus.textContent = `PGD-10 ${normLabel} on ${batch.labels.length} test digits, ${((performance.now() - started) / 1000).toFixed(1)} s.`;
  hook.lastCurve = { epsilons, series };
}

function reportError(where: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  where.textContent = `Error: ${message}`;
  hook.error = message;
  console.error(error);
}

async function start(): Promise<void> {
  const started = performance.now();
  const backend = await startBackend();
  ui.badge.textContent = `backend: ${backend.summary}`;
  ui.badge.dataset.backend = backend.name;
  hook.backend = backend.name;
  const [loaded, testDigits] = await Promise.all([
    Promise.all(shippedModels.map(async (m) => ({ ...m, model: await loadShippedModel(m.id) }))),
    loadTestDigits(),
  ]);
  models = loaded;
  digits = testDigits;
  for (const m of models) ui.attackModel.add(new Option(m.title, m.id));
  ui.digitIndex.max = String(digits.count - 1);
  syncEpsilonSlider();
  syncInternalPanel();
  showDigit(0);
  hook.modelsLoaded = models.map((m) => m.id);
  hook.loadMilliseconds = performance.now() - started;
  ui.loadStatus.textContent = `Loaded ${models.length} models and ${digits.count} test digits in ${(hook.loadMilliseconds / 1000).toFixed(1)} s.`;
  document.body.dataset.ready = 'true';
}

ui.digitIndex.addEventListener('change', () => showDigit(Number(ui.digitIndex.value)));
ui.digitPrevious.addEventListener('click', () => showDigit(Number(ui.digitIndex.value) - 1));
ui.digitNext.addEventListener('click', () => showDigit(Number(ui.digitIndex.value) + 1));
ui.drawClear.addEventListener('click', () => {
  pad.clear();
  ui.digitLabel.textContent = 'your drawing';
  setInput(pad.read(), null);
});
ui.attackNorm.addEventListener('change', syncEpsilonSlider);
ui.attackEpsilon.addEventListener('input', syncEpsilonSlider);
ui.attackModel.addEventListener('change', syncInternalPanel);
ui.internalRho.addEventListener('input', syncInternalPanel);
ui.attackRun.addEventListener('click', () => runAttackOnInput().catch((e) => reportError(ui.attackStatus, e)));
ui.internalRun.addEventListener('click', () => runInternalAttack().catch((e) => reportError(ui.internalStatus, e)));
ui.curveRun.addEventListener('click', () => runCurve().catch((e) => reportError(ui.curveStatus, e)));
start().catch((e) => reportError(ui.loadStatus, e));
