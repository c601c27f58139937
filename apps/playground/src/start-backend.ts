import { capabilityReport, initBackend } from '@liftguard/tensor';
import { assetUrl } from './asset-url';

/** Starts the wasm backend (falling back to cpu) and describes it for the badge. */
export async function startBackend(): Promise<{ name: string; summary: string }> {
  try {
    await initBackend({ backend: 'wasm', wasmPaths: assetUrl('wasm/'), quiet: true });
  } catch (error) {
    console.warn(`wasm backend unavailable, using cpu: ${(error as Error).message}`);
    await initBackend({ backend: 'cpu', quiet: true });
  }
  const report = await capabilityReport();
  const details = [report.backend];
  if (report.simd !== null) details.push(report.simd ? 'SIMD' : 'no SIMD');
  if (report.threads !== null) details.push(`${report.threads.count} thread${report.threads.count === 1 ? '' : 's'}`);
  if (report.gaps.length > 0) details.push(`${report.gaps.length} kernel gaps`);
  return { name: report.backend, summary: details.join(' · ') };
}
