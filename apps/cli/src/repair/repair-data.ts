import { sliceImageSet, valuesPerImage, type ImageSet } from '@liftguard/data';
import { Random } from '@liftguard/tensor';

/** The three disjoint image sets a repair uses: the generator's pool, the clean-loss set and the selection set. */
export interface RepairImages {
  pool: ImageSet;
  clean: ImageSet;
  selection: ImageSet;
  /** Set when the requested sizes did not fit and were scaled down. */
  note?: string;
}

/** `set` in a seeded random order (image folders are stored class by class). */
function shuffled(set: ImageSet, seed: number): ImageSet {
  const order = new Random(`repair-data-${seed}`).permutation(set.count);
  const size = valuesPerImage(set);
  const images = new Float32Array(set.count * size);
  const labels = new Int32Array(set.count);
  order.forEach((from, to) => {
    images.set(set.images.subarray(from * size, (from + 1) * size), to * size);
    labels[to] = set.labels[from]!;
  });
  return { ...set, images, labels };
}

/**
 * Splits one user dataset into pool, clean and selection sets, in a seeded random order; when the
 * data holds fewer images than asked for, the three shrink in proportion (each at least one image).
 */
export function splitRepairImages(set: ImageSet, sizes: { pool: number; clean: number; selection: number }, seed: number): RepairImages {
  if (set.count < 3) throw new Error(`repair needs at least 3 images (pool, clean and selection sets); the data holds ${set.count}`);
  const asked = sizes.pool + sizes.clean + sizes.selection;
  const scale = Math.min(1, set.count / asked);
  const pool = Math.max(1, Math.floor(sizes.pool * scale));
  const clean = Math.max(1, Math.floor(sizes.clean * scale));
  const selection = Math.max(1, Math.min(set.count - pool - clean, Math.floor(sizes.selection * scale)));
  const ordered = shuffled(set, seed);
  return {
    pool: sliceImageSet(ordered, 0, pool),
    clean: sliceImageSet(ordered, pool, pool + clean),
    selection: sliceImageSet(ordered, pool + clean, pool + clean + selection),
    ...(scale < 1 ? { note: `the data holds ${set.count} images, fewer than the ${asked} asked for: pool ${pool}, clean ${clean}, selection ${selection}` } : {}),
  };
}
