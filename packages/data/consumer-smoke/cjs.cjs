// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const { encodeIdx, parseIdx, oneHot } = require('@liftguard/data');

const bytes = encodeIdx({ type: 'uint8', dims: [2, 1, 2], data: Uint8Array.from([0, 51, 102, 255]) });
const idx = parseIdx(bytes, 'in-memory');
if (idx.dims.join() !== '2,1,2' || idx.data[3] !== 255) throw new Error('IDX round trip failed');
try {
  parseIdx(bytes.subarray(0, bytes.length - 1), 'cut-file');
  throw new Error('expected a truncation error');
} catch (error) {
  if (!/cut-file: truncated/.test(error.message)) throw error;
}
if (oneHot([1], 3).join() !== '0,1,0') throw new Error('oneHot');
console.log('cjs ok');
