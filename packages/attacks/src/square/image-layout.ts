import { AttackConfigError, AttackInputError } from '../errors.js';

/** How Square reads an example as an image: rows × columns × channels (channels last, NHWC). */
export interface ImageLayout {
  height: number;
  width: number;
  channels: number;
}

/**
 * The image layout of inputs of shape `inputShape`: [h, w, c] as is, [h, w] with one channel, a
 * flat [d] as √d × √d unless `imageShape` says otherwise.
 */
export function imageLayout(
  inputShape: readonly number[],
  imageShape?: readonly [number, number, number],
): ImageLayout {
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (imageShape !== undefined) {
    const [height, width, channels] = imageShape;
    if (height * width * channels !== size)
      throw new AttackInputError(
        `square: imageShape [${imageShape.join(', ')}] has ${height * width * channels} values, the inputs [${inputShape.join(', ')}] have ${size}`,
      );
    return { height, width, channels };
  }
  if (inputShape.length === 3)
    return { height: inputShape[0]!, width: inputShape[1]!, channels: inputShape[2]! };
  if (inputShape.length === 2)
    return { height: inputShape[0]!, width: inputShape[1]!, channels: 1 };
  const side = Math.round(Math.sqrt(size));
  if (inputShape.length === 1 && side * side === size)
    return { height: side, width: side, channels: 1 };
  throw new AttackInputError(
    `square: cannot read inputs of shape [${inputShape.join(', ')}] as images; pass imageShape [height, width, channels]`,
  );
}

/** Checks a user's imageShape option. */
export function checkedImageShape(value: unknown): [number, number, number] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000)
  )
    throw new AttackConfigError(
      `square: imageShape must be [height, width, channels] of integers in [1, 1000000], got ${JSON.stringify(value)}`,
    );
  return value as [number, number, number];
}

/** The flat index of pixel (row, column, channel) in an NHWC example. */
export function pixelIndex(
  layout: ImageLayout,
  row: number,
  column: number,
  channel: number,
): number {
  return (row * layout.width + column) * layout.channels + channel;
}
