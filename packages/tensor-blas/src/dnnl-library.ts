import type * as KoffiModule from 'koffi';
import { firstLine, isOff, loadKoffi, type Koffi } from './blas-library.js';


/**
 * One 2-D convolution in NHWC with HWIO filters (tfjs' layouts), grouped when `groups` > 1
 * (depthwise: groups = inChannels, filter [kh, kw, inChannels, multiplier]).
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  groups: number;
}

/** Activations oneDNN applies inside the forward convolution (post-ops). */
export type ConvActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';

/** oneDNN's convolutions, bound to a loaded library. Each call returns false when oneDNN has no implementation for the shape (the caller then runs its own kernel). */
export interface DnnlLibrary {
  /** e.g. "oneDNN 2.6.3". */
  name: string;
  path: string;
  /** y = activation(conv(x, w) + bias). */
  forward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, activation: ConvActivation, alpha: number, y: Float32Array): boolean;
  /** dx = the input gradient of conv(x, w) for output gradient dy. */
  backwardData(g: ConvGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): boolean;
  /** dw = the filter gradient for input x and output gradient dy. */
  backwardWeights(g: ConvGeometry, x: Float32Array, dy: Float32Array, dw: Float32Array): boolean;
  /** The implementation oneDNN chose for a forward conv of this shape (e.g. "jit:avx2"), for reports and tests. */
  forwardImplementation(g: ConvGeometry): string | null;
  /** Sets the thread count of oneDNN's OpenMP runtime; undefined when that runtime is not found. */
  setThreads?: (count: number) => void;
}

export interface DnnlLoadFailure {
  reason: string;
}

// Values from oneDNN 2.x's dnnl_types.h (the 2.x C API is stable; 3.x changed it and is refused at load).
const f32 = 3;
const formatAny = 1;
const forwardTraining = 64;
const forwardInference = 96;
const convolutionDirect = 1;
const cpuEngine = 1;
const defaultStreamFlags = 1;
const query = { implInfo: 8, srcMd: 129, diffSrcMd: 130, weightsMd: 131, diffWeightsMd: 132, dstMd: 133, diffDstMd: 134 } as const;
const arg = { src: 1, dst: 17, weights: 33, bias: 41, diffSrc: 129, diffDst: 145, diffWeights: 161, from: 1, to: 17 } as const;
const eltwise = { relu: 31, clip: 255, elu: 63, logistic: 175 } as const;
/** sizeof(dnnl_memory_desc_t) and sizeof(dnnl_convolution_desc_t) are 696 and 5976 in 2.6; room to spare for other 2.x releases. */
const memoryDescBytes = 2048;
const convDescBytes = 16384;

/** Libraries tried in order when LIFTGUARD_DNNL names none. */
export function candidateDnnlLibraries(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  if (platform === 'darwin') return ['/opt/homebrew/opt/onednn/lib/libdnnl.2.dylib', '/usr/local/opt/onednn/lib/libdnnl.2.dylib', 'libdnnl.2.dylib'];
  if (platform === 'win32') return ['dnnl.dll'];
  const multiarch = arch === 'arm64' ? 'aarch64-linux-gnu' : arch === 'x64' ? 'x86_64-linux-gnu' : `${arch}-linux-gnu`;
  return ['libdnnl.so.2', `/usr/lib/${multiarch}/libdnnl.so.2`, '/usr/lib64/libdnnl.so.2'];
}



type Handle = unknown;
type Fn = (...args: unknown[]) => number;

interface Api {
  name: string;
  setThreads: ((count: number) => void) | undefined;
  engine: Handle;
  stream: Handle;
  f: Record<string, Fn>;
  queryMd: (pd: Handle, what: number, index: number) => Handle;
  queryString: (pd: Handle, what: number, index: number, out: [string | null]) => number;
  mdEqual: (a: Handle, b: Handle) => number;
  mdSize: (md: Handle) => number;
  execute: (primitive: Handle, stream: Handle, count: number, args: { arg: number; memory: Handle }[]) => number;
}

let structs: { version: KoffiModule.IKoffiCType } | undefined;
/** koffi's struct types, declared once per process (koffi refuses a type name twice). */
function structTypes(koffi: Koffi): { version: KoffiModule.IKoffiCType } {
  if (!structs) {
    koffi.struct('liftguard_dnnl_exec_arg_t', { arg: 'int', memory: 'void *' });
    structs = { version: koffi.struct('liftguard_dnnl_version_t', { major: 'int', minor: 'int', patch: 'int', hash: 'const char *', cpu: 'unsigned int', gpu: 'unsigned int' }) };
  }
  return structs;
}

function bind(koffi: Koffi, path: string): Api {
  const lib = koffi.load(path);
  const types = structTypes(koffi);
  const v = koffi.decode((lib.func('void *dnnl_version()') as () => unknown)(), types.version) as { major: number; minor: number; patch: number };
  if (v.major !== 2) throw new Error(`oneDNN ${v.major}.${v.minor}.${v.patch} has a C API this package does not bind yet (it binds 2.x)`);
  const signatures: Record<string, string> = {
    engineCreate: 'int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)',
    streamCreate: 'int dnnl_stream_create(_Out_ void **stream, void *engine, unsigned int flags)',
    streamWait: 'int dnnl_stream_wait(void *stream)',
    mdByStrides: 'int dnnl_memory_desc_init_by_strides(void *md, int ndims, const int64_t *dims, int dt, const int64_t *strides)',
    mdByTag: 'int dnnl_memory_desc_init_by_tag(void *md, int ndims, const int64_t *dims, int dt, int tag)',
    convForwardDesc:
      'int dnnl_dilated_convolution_forward_desc_init(void *desc, int prop, int alg, const void *src, const void *weights, const void *bias, const void *dst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
    convBackwardDataDesc:
      'int dnnl_dilated_convolution_backward_data_desc_init(void *desc, int alg, const void *diffSrc, const void *weights, const void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
    convBackwardWeightsDesc:
      'int dnnl_dilated_convolution_backward_weights_desc_init(void *desc, int alg, const void *src, const void *diffWeights, const void *diffBias, const void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
    pdCreate: 'int dnnl_primitive_desc_create(_Out_ void **pd, const void *desc, void *attr, void *engine, void *hint)',
    pdDestroy: 'int dnnl_primitive_desc_destroy(void *pd)',
    primitiveCreate: 'int dnnl_primitive_create(_Out_ void **primitive, void *pd)',
    primitiveDestroy: 'int dnnl_primitive_destroy(void *primitive)',
    reorderPd: 'int dnnl_reorder_primitive_desc_create(_Out_ void **pd, const void *src, void *srcEngine, const void *dst, void *dstEngine, void *attr)',
    memoryCreate: 'int dnnl_memory_create(_Out_ void **memory, const void *md, void *engine, void *handle)',
    memoryDestroy: 'int dnnl_memory_destroy(void *memory)',
    memorySetHandle: 'int dnnl_memory_set_data_handle(void *memory, void *handle)',
    attrCreate: 'int dnnl_primitive_attr_create(_Out_ void **attr)',
    attrDestroy: 'int dnnl_primitive_attr_destroy(void *attr)',
    attrSetPostOps: 'int dnnl_primitive_attr_set_post_ops(void *attr, void *postOps)',
    postOpsCreate: 'int dnnl_post_ops_create(_Out_ void **postOps)',
    postOpsDestroy: 'int dnnl_post_ops_destroy(void *postOps)',
    postOpsEltwise: 'int dnnl_post_ops_append_eltwise(void *postOps, float scale, int alg, float alpha, float beta)',
  };
  const f: Record<string, Fn> = {};
  for (const [name, signature] of Object.entries(signatures)) f[name] = lib.func(signature) as Fn;
  const out: [Handle] = [null];
  check(f.engineCreate!(out, cpuEngine, 0), 'dnnl_engine_create');
  const engine = out[0];
  check(f.streamCreate!(out, engine, defaultStreamFlags), 'dnnl_stream_create');
  return {
    engine,
    stream: out[0],
    f,
    queryMd: lib.func('const void *dnnl_primitive_desc_query_md(void *pd, int what, int index)') as Api['queryMd'],
    queryString: lib.func('int dnnl_primitive_desc_query(void *pd, int what, int index, _Out_ const char **result)') as Api['queryString'],
    mdEqual: lib.func('int dnnl_memory_desc_equal(const void *a, const void *b)') as Api['mdEqual'],
    mdSize: lib.func('size_t dnnl_memory_desc_get_size(const void *md)') as Api['mdSize'],
    execute: lib.func('int dnnl_primitive_execute(void *primitive, void *stream, int count, liftguard_dnnl_exec_arg_t *args)') as Api['execute'],
    name: `oneDNN ${v.major}.${v.minor}.${v.patch}`,
    setThreads: openMpThreads(koffi),
  };
}

/** omp_set_num_threads of the OpenMP runtime oneDNN was built with (libgomp on Linux), when it is found. */
function openMpThreads(koffi: Koffi): ((count: number) => void) | undefined {
  for (const name of ['libgomp.so.1', 'libomp.so', 'libomp.dylib', 'libiomp5.so']) {
    try {
      return koffi.load(name).func('void omp_set_num_threads(int count)') as (count: number) => void;
    } catch {
      // Not this runtime; try the next.
    }
  }
  return undefined;
}

function check(status: number, what: string): void {
  if (status !== 0) throw new Error(`${what} failed (dnnl_status ${status})`);
}

const dims = (...values: number[]): BigInt64Array => BigInt64Array.from(values.map(BigInt));

/** One prepared convolution: the primitive, and how its weights differ from tfjs' HWIO layout. */
interface Prepared {
  primitive: Handle;
  pd: Handle;
  /** Memory descriptors (buffers oneDNN filled) of the user's tensors, by argument. */
  user: { data: Uint8Array; weights: Uint8Array; out: Uint8Array; bias: Uint8Array | null };
  /** The weights layout the primitive wants (a pointer into the pd), and the reorder to or from HWIO; null when HWIO is what it wants. */
  weightsMd: Handle;
  reorder: { primitive: Handle; pd: Handle; bytes: number } | null;
  implementation: string;
}

/** The convolution's tensors as oneDNN memory descriptors with tfjs' NHWC / HWIO strides. */
function userDescs(api: Api, g: ConvGeometry, withBias: boolean) {
  const md = () => new Uint8Array(memoryDescBytes);
  const src = md();
  const dst = md();
  const weights = md();
  const n = g.batch;
  check(api.f.mdByStrides!(src, 4, dims(n, g.inChannels, g.inHeight, g.inWidth), f32, dims(g.inHeight * g.inWidth * g.inChannels, 1, g.inWidth * g.inChannels, g.inChannels)), 'src descriptor');
  check(api.f.mdByStrides!(dst, 4, dims(n, g.outChannels, g.outHeight, g.outWidth), f32, dims(g.outHeight * g.outWidth * g.outChannels, 1, g.outWidth * g.outChannels, g.outChannels)), 'dst descriptor');
  const kh = g.filterHeight;
  const kw = g.filterWidth;
  if (g.groups === 1) {
    // dims {O, I, KH, KW}; HWIO storage [kh][kw][in][out].
    const o = g.outChannels;
    const i = g.inChannels;
    check(api.f.mdByStrides!(weights, 4, dims(o, i, kh, kw), f32, dims(1, o, kw * i * o, i * o)), 'weights descriptor');
  } else {
    // dims {G, O/G, I/G, KH, KW}; tfjs' depthwise filter [kh][kw][in][multiplier] with in = G·(I/G).
    const o = g.outChannels / g.groups;
    const i = g.inChannels / g.groups;
    check(api.f.mdByStrides!(weights, 5, dims(g.groups, o, i, kh, kw), f32, dims(i * o, 1, o, kw * g.inChannels * o, g.inChannels * o)), 'weights descriptor');
  }
  let bias: Uint8Array | null = null;
  if (withBias) {
    bias = md();
    check(api.f.mdByStrides!(bias, 1, dims(g.outChannels), f32, dims(1)), 'bias descriptor');
  }
  return { src, dst, weights, bias };
}

function anyWeights(api: Api, g: ConvGeometry): Uint8Array {
  const md = new Uint8Array(memoryDescBytes);
  const shape = g.groups === 1 ? [g.outChannels, g.inChannels, g.filterHeight, g.filterWidth] : [g.groups, g.outChannels / g.groups, g.inChannels / g.groups, g.filterHeight, g.filterWidth];
  check(api.f.mdByTag!(md, shape.length, dims(...shape), f32, formatAny), 'weights descriptor (any)');
  return md;
}

/** oneDNN's padding on the far side: whatever makes its output size equal tfjs' (tfjs may pad more than is read). */
function geometryArrays(g: ConvGeometry) {
  const ekh = (g.filterHeight - 1) * g.dilationHeight + 1;
  const ekw = (g.filterWidth - 1) * g.dilationWidth + 1;
  const padBottom = (g.outHeight - 1) * g.strideHeight + ekh - g.inHeight - g.padTop;
  const padRight = (g.outWidth - 1) * g.strideWidth + ekw - g.inWidth - g.padLeft;
  return {
    strides: dims(g.strideHeight, g.strideWidth),
    dilates: dims(g.dilationHeight - 1, g.dilationWidth - 1),
    padL: dims(g.padTop, g.padLeft),
    padR: dims(padBottom, padRight),
  };
}

type Kind = 'forward' | 'backwardData' | 'backwardWeights';

/** Binds oneDNN's convolutions: primitives are built once per shape (JIT code generation) and kept. */
function library(api: Api, path: string): DnnlLibrary {
  const cache = new Map<string, Prepared | null>();
  const maxCached = 256;

  const create = (out: [Handle], what: string, status: number): Handle => {
    check(status, what);
    return out[0];
  };

  function forwardPd(g: ConvGeometry, withBias: boolean, prop: number, activation: ConvActivation, alpha: number) {
    const mds = userDescs(api, g, withBias);
    const a = geometryArrays(g);
    const desc = new Uint8Array(convDescBytes);
    // A geometry oneDNN rejects is the caller's to run (status ≠ 0), not an error.
    const descStatus = api.f.convForwardDesc!(desc, prop, convolutionDirect, mds.src, anyWeights(api, g), mds.bias, mds.dst, a.strides, a.dilates, a.padL, a.padR);
    if (descStatus !== 0) return { status: descStatus, pd: null, mds };
    const out: [Handle] = [null];
    let attr: Handle = null;
    if (activation !== 'linear') {
      attr = create(out, 'attr', api.f.attrCreate!(out));
      const postOps = create(out, 'post ops', api.f.postOpsCreate!(out));
      const [alg, lo, hi] =
        activation === 'relu' ? [eltwise.relu, 0, 0] : activation === 'leakyrelu' ? [eltwise.relu, alpha, 0] : activation === 'relu6' ? [eltwise.clip, 0, 6] : activation === 'elu' ? [eltwise.elu, 1, 0] : [eltwise.logistic, 0, 0];
      check(api.f.postOpsEltwise!(postOps, 1, alg, lo, hi), 'eltwise post-op');
      check(api.f.attrSetPostOps!(attr, postOps), 'set post ops');
      api.f.postOpsDestroy!(postOps);
    }
    try {
      const status = api.f.pdCreate!(out, desc, attr, api.engine, null);
      return { status, pd: out[0], mds };
    } finally {
      if (attr !== null) api.f.attrDestroy!(attr);
    }
  }

  function prepare(kind: Kind, g: ConvGeometry, withBias: boolean, activation: ConvActivation, alpha: number): Prepared | null {
    const out: [Handle] = [null];
    let pd: Handle;
    let mds: ReturnType<typeof userDescs>;
    if (kind === 'forward') {
      const made = forwardPd(g, withBias, forwardInference, activation, alpha);
      if (made.status !== 0) return null;
      pd = made.pd;
      mds = made.mds;
    } else {
      // Backward primitives need the forward (training) primitive descriptor as a hint.
      const hint = forwardPd(g, false, forwardTraining, 'linear', 0);
      if (hint.status !== 0) return null;
      mds = hint.mds;
      const a = geometryArrays(g);
      const desc = new Uint8Array(convDescBytes);
      const status =
        kind === 'backwardData'
          ? api.f.convBackwardDataDesc!(desc, convolutionDirect, mds.src, anyWeights(api, g), mds.dst, a.strides, a.dilates, a.padL, a.padR)
          : api.f.convBackwardWeightsDesc!(desc, convolutionDirect, mds.src, anyWeights(api, g), null, mds.dst, a.strides, a.dilates, a.padL, a.padR);
      if (status !== 0) {
        api.f.pdDestroy!(hint.pd);
        return null;
      }
      const created = api.f.pdCreate!(out, desc, null, api.engine, hint.pd);
      api.f.pdDestroy!(hint.pd);
      if (created !== 0) return null;
      pd = out[0];
    }
    const weightsMd = api.queryMd(pd, kind === 'backwardWeights' ? query.diffWeightsMd : query.weightsMd, 0);
    const primitive = create(out, 'primitive', api.f.primitiveCreate!(out, pd));
    let reorder: Prepared['reorder'] = null;
    if (!api.mdEqual(weightsMd, mds.weights)) {
      const [from, to] = kind === 'backwardWeights' ? [weightsMd, mds.weights] : [mds.weights, weightsMd];
      const reorderPd = create(out, 'reorder descriptor', api.f.reorderPd!(out, from, api.engine, to, api.engine, null));
      reorder = { pd: reorderPd, primitive: create(out, 'reorder', api.f.primitiveCreate!(out, reorderPd)), bytes: Number(api.mdSize(weightsMd)) };
    }
    const impl: [string | null] = [null];
    api.queryString(pd, query.implInfo, 0, impl);
    const [data, result] = kind === 'forward' ? [mds.src, mds.dst] : kind === 'backwardData' ? [mds.dst, mds.src] : [mds.src, mds.dst];
    return { primitive, pd, user: { data, weights: mds.weights, out: result, bias: mds.bias }, weightsMd, reorder, implementation: impl[0] ?? 'unknown' };
  }

  function prepared(kind: Kind, g: ConvGeometry, withBias: boolean, activation: ConvActivation, alpha: number): Prepared | null {
    const key = `${kind}|${withBias}|${activation}|${alpha}|${Object.values(g).join(',')}`;
    if (cache.has(key)) return cache.get(key)!;
    const made = prepare(kind, g, withBias, activation, alpha);
    if (cache.size >= maxCached) {
      const [oldestKey, oldest] = cache.entries().next().value as [string, Prepared | null];
      cache.delete(oldestKey);
      if (oldest) release(oldest);
    }
    cache.set(key, made);
    return made;
  }

  function release(p: Prepared): void {
    for (const primitive of [p.primitive, p.reorder?.primitive]) {
      for (const m of bound.get(primitive)?.memories ?? []) api.f.memoryDestroy!(m);
      bound.delete(primitive);
    }
    api.f.primitiveDestroy!(p.primitive);
    api.f.pdDestroy!(p.pd);
    if (p.reorder) {
      api.f.primitiveDestroy!(p.reorder.primitive);
      api.f.pdDestroy!(p.reorder.pd);
    }
  }

  /** Memory objects and argument lists per primitive, made on its first run (creating them per call cost more than small convs). */
  const bound = new Map<Handle, { memories: Handle[]; args: { arg: number; memory: Handle }[] }>();

  /** Runs `primitive` with its memories pointed at the given arrays (pointed again on every call: the wasm heap moves when it grows). */
  function run(primitive: Handle, bindings: [number, Handle, Float32Array][]): void {
    let b = bound.get(primitive);
    if (!b) {
      const out: [Handle] = [null];
      const memories = bindings.map(([, md]) => create(out, 'memory', api.f.memoryCreate!(out, md, api.engine, null)));
      b = { memories, args: bindings.map(([argument], i) => ({ arg: argument, memory: memories[i] })) };
      bound.set(primitive, b);
    }
    const { memories, args } = b;
    bindings.forEach(([, , data], i) => check(api.f.memorySetHandle!(memories[i], data), 'set data handle'));
    check(api.execute(primitive, api.stream, args.length, args), 'execute');
    check(api.f.streamWait!(api.stream), 'stream wait');
  }

  /** How often each batch size was asked for, per convolution shape (batch aside). */
  const batchesSeen = new Map<string, Map<number, number>>();
  /** Calls with one batch size before it gets a primitive of its own. */
  const callsBeforeOwnPrimitive = 3;

  /**
   * The batch as the chunks that run, each with a primitive of its size. oneDNN compiles one
   * primitive per batch size (milliseconds each), and an attack that drops finished examples asks
   * for a new size almost every step: a size seen fewer than 3 times runs as powers of two
   * (primitives every size shares, at most log₂ n of them); a recurring size runs whole.
   */
  function batchChunks(kind: Kind, g: ConvGeometry): { count: number; first: number }[] {
    const key = `${kind}|${Object.values({ ...g, batch: 0 }).join(',')}`;
    let counts = batchesSeen.get(key);
    if (!counts) batchesSeen.set(key, (counts = new Map()));
    if (counts.size > 4096) counts.clear();
    const seen = counts.get(g.batch) ?? 0;
    counts.set(g.batch, seen + 1);
    if (seen >= callsBeforeOwnPrimitive || (g.batch & (g.batch - 1)) === 0) return [{ count: g.batch, first: 0 }];
    const chunks: { count: number; first: number }[] = [];
    let first = 0;
    for (let size = 2 ** Math.floor(Math.log2(g.batch)); size >= 1; size /= 2) {
      if ((g.batch & size) === 0) continue;
      chunks.push({ count: size, first });
      first += size;
    }
    return chunks;
  }

  /** Scratch for weights in oneDNN's blocked layout, kept between calls. */
  let scratch = new Float32Array(0);
  const scratchOf = (bytes: number): Float32Array => {
    const floats = Math.ceil(bytes / 4);
    if (scratch.length < floats) scratch = new Float32Array(floats);
    return scratch;
  };

  const inSize = (g: ConvGeometry) => g.inHeight * g.inWidth * g.inChannels;
  const outSize = (g: ConvGeometry) => g.outHeight * g.outWidth * g.outChannels;

  /** Weights in the layout primitive `p` wants: `w` itself, or reordered into the scratch. */
  function weightsFor(p: Prepared, w: Float32Array): Float32Array {
    if (!p.reorder) return w;
    const weights = scratchOf(p.reorder.bytes);
    run(p.reorder.primitive, [[arg.from, p.user.weights, w], [arg.to, p.weightsMd, weights]]);
    return weights;
  }

  return {
    name: api.name,
    path,
    forward(g, x, w, bias, activation, alpha, y) {
      for (const { count, first } of batchChunks('forward', g)) {
        const p = prepared('forward', { ...g, batch: count }, bias !== null, activation, alpha);
        if (!p) return false;
        const weights = weightsFor(p, w);
        const bindings: [number, Handle, Float32Array][] = [
          [arg.src, p.user.data, x.subarray(first * inSize(g), (first + count) * inSize(g))],
          [arg.weights, p.weightsMd, weights],
          [arg.dst, p.user.out, y.subarray(first * outSize(g), (first + count) * outSize(g))],
        ];
        if (bias !== null) bindings.push([arg.bias, p.user.bias, bias]);
        run(p.primitive, bindings);
      }
      return true;
    },
    backwardData(g, dy, w, dx) {
      for (const { count, first } of batchChunks('backwardData', g)) {
        const p = prepared('backwardData', { ...g, batch: count }, false, 'linear', 0);
        if (!p) return false;
        const weights = weightsFor(p, w);
        run(p.primitive, [
          [arg.diffDst, p.user.data, dy.subarray(first * outSize(g), (first + count) * outSize(g))],
          [arg.weights, p.weightsMd, weights],
          [arg.diffSrc, p.user.out, dx.subarray(first * inSize(g), (first + count) * inSize(g))],
        ]);
      }
      return true;
    },
    backwardWeights(g, x, dy, dw) {
      const chunks = batchChunks('backwardWeights', g);
      // Later chunks' gradients are summed into dw.
      const part = chunks.length > 1 ? new Float32Array(dw.length) : dw;
      for (const [i, { count, first }] of chunks.entries()) {
        const p = prepared('backwardWeights', { ...g, batch: count }, false, 'linear', 0);
        if (!p) return false;
        const into = i === 0 ? dw : part;
        const target = p.reorder ? scratchOf(p.reorder.bytes) : into;
        run(p.primitive, [
          [arg.src, p.user.data, x.subarray(first * inSize(g), (first + count) * inSize(g))],
          [arg.diffDst, p.user.out, dy.subarray(first * outSize(g), (first + count) * outSize(g))],
          [arg.diffWeights, p.weightsMd, target],
        ]);
        if (p.reorder) run(p.reorder.primitive, [[arg.from, p.weightsMd, target], [arg.to, p.user.weights, into]]);
        if (i > 0) for (let j = 0; j < dw.length; j++) dw[j]! += part[j]!;
      }
      return true;
    },
    forwardImplementation(g) {
      return prepared('forward', g, false, 'linear', 0)?.implementation ?? null;
    },
    ...(api.setThreads ? { setThreads: api.setThreads } : {}),
  };
}

/**
 * Finds and loads oneDNN (the library PyTorch's CPU convolutions run on): the path in
 * `LIFTGUARD_DNNL` when set, otherwise the platform's usual names. `LIFTGUARD_DNNL=off` turns
 * it off. Never throws.
 */
export function loadDnnlLibrary(requested: string | undefined = process.env.LIFTGUARD_DNNL || undefined): DnnlLibrary | DnnlLoadFailure {
  if (requested !== undefined && isOff(requested)) return { reason: `turned off by LIFTGUARD_DNNL=${requested}` };
  let koffi: Koffi;
  try {
    koffi = loadKoffi();
  } catch (error) {
    return { reason: `koffi failed to load: ${firstLine(error)}` };
  }
  const candidates = requested !== undefined ? [requested.trim()] : candidateDnnlLibraries();
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      return library(bind(koffi, path), path);
    } catch (error) {
      failures.push(`${path}: ${firstLine(error)}`);
    }
  }
  if (requested !== undefined) return { reason: `LIFTGUARD_DNNL=${requested} could not be used (${failures[0]})` };
  // A library that loaded but failed later says more than "not found".
  const loadedButFailed = failures.find((f) => !/cannot open|not found|no such file|image not found|could not be found/i.test(f));
  if (loadedButFailed) return { reason: `oneDNN could not be used (${loadedButFailed})` };
  const hint = process.platform === 'linux' ? 'install libdnnl2 (Debian/Ubuntu)' : 'set LIFTGUARD_DNNL to a oneDNN 2.x library path';
  return { reason: `no oneDNN library found (${hint})` };
}
