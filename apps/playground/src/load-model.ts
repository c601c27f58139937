import { deserializeClassifier, type ModelManifest, type SequentialClassifier } from '@liftguard/models';
import { assetUrl } from './asset-url';

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/** Fetches model.json and its weights file and rebuilds the classifier (hash and shapes checked). */
export async function loadShippedModel(id: string): Promise<SequentialClassifier> {
  const manifestUrl = assetUrl(`models/${id}/model.json`);
  const manifest = (await (await fetchOk(manifestUrl)).json()) as ModelManifest;
  const weights = new Uint8Array(await (await fetchOk(assetUrl(`models/${id}/${manifest.weights.file}`))).arrayBuffer());
  return deserializeClassifier(manifest, weights, manifestUrl);
}
