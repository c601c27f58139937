import { argMax } from './class-probabilities';

/** One model's prediction and its ten class probabilities as labelled bars. */
export function renderProbabilities(container: HTMLElement, title: string, probabilities: Float32Array, label: number | null, note = ''): void {
  const prediction = argMax(probabilities);
  const verdict = label === null ? '' : prediction === label ? ' ✓' : ' ✗';
  container.replaceChildren();
  const heading = document.createElement('h3');
  heading.textContent = title;
  const summary = document.createElement('p');
  summary.className = 'prediction';
  summary.dataset.prediction = String(prediction);
  summary.textContent = `predicts ${prediction} (${(100 * probabilities[prediction]!).toFixed(1)} %)${verdict}`;
  const list = document.createElement('ol');
  list.className = 'bars';
  list.start = 0;
  list.setAttribute('aria-label', `${title}: class probabilities`);
  probabilities.forEach((p, digit) => {
    const item = document.createElement('li');
    item.className = digit === prediction ? 'top' : '';
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    const text = document.createElement('span');
    text.className = 'bar-label';
    text.textContent = `${digit}: ${(100 * p).toFixed(1)} %`;
    item.append(bar, text);
    list.append(item);
  });
  container.append(heading, summary, list);
  if (note) {
    const small = document.createElement('p');
    small.className = 'note';
    small.textContent = note;
    container.append(small);
  }
}
