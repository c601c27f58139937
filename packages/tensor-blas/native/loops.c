/*
 * Fused loops for LiftGuard: one compiled pass where tfjs would run a dozen kernels or JavaScript
 * a scalar loop. Built by scripts/build-loops.mjs with -O3 -ffp-contract=off -fno-trapping-math
 * (exceptions are never read, and a trapping compare would keep the clamps from vectorizing), so
 * every result equals the JavaScript or tfjs formulation it replaces bit for bit: the same
 * operations in the same order with the same rounding, and no fused multiply-add.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

/* The ABI this file implements; the loader refuses a library built from another version. */
EXPORT int32_t lg_loops_version(void) { return 7; }

/*
 * APGD's L-infinity momentum step (Croce & Hein 2020) on the listed rows of `width` values:
 * z = clip(c + eta*sign(g)), next = clip(c + alpha*(z - c) + (1 - alpha)*(c - previous)), clip
 * to [low, high] = [max(x - eps, b0), min(x + eps, b1)] rounded to float (the eps-box within
 * the bounds). In double, rounded to float once, as the JavaScript loop in @liftguard/attacks.
 * `next` may be `previous`: each value is read first.
 */
EXPORT void lg_linf_momentum_step(int32_t count, const int32_t *rows, int32_t width,
                                  const float *x, double eps, double b0, double b1,
                                  const float *current, const float *previous,
                                  const float *grad, const float *step_size, double alpha,
                                  float *next) {
  const double keep = 1.0 - alpha;
  for (int32_t k = 0; k < count; k++) {
    const int64_t at = (int64_t)rows[k] * width;
    const double eta = step_size[rows[k]];
    const float *x0 = x + at, *c = current + at, *p = previous + at, *g = grad + at;
    float *out = next + at;
    for (int32_t j = 0; j < width; j++) {
      const double xj = x0[j], below = xj - eps, above = xj + eps;
      const double l = (float)(below < b0 ? b0 : below), h = (float)(above > b1 ? b1 : above);
      const double cj = c[j], gj = g[j];
      const double up = cj + eta * (double)((gj > 0) - (gj < 0));
      const double z = up < l ? l : (up > h ? h : up);
      const double moved = cj + alpha * (z - cj) + keep * (cj - (double)p[j]);
      out[j] = (float)(moved < l ? l : (moved > h ? h : moved));
    }
  }
}

/*
 * One Adam step (Kingma & Ba; epsilon added to the root, as PyTorch) over n values, in float32
 * with the operations of @liftguard/models' tensor formulation in its order:
 * m' = m + b1c*(g - m), v' = v + b2c*(g*g - v), w' = w - step*(m' / (sqrt(v'*ic2) + eps)),
 * with b1c = 1 - beta1, b2c = 1 - beta2, step = lr/(1 - beta1^t), ic2 = 1/(1 - beta2^t).
 * The outputs are new buffers: they overlap no input.
 */
EXPORT void lg_adam_step(int64_t n, const float *restrict w, const float *restrict m,
                         const float *restrict v, const float *restrict g, float step,
                         float b1c, float b2c, float ic2, float eps, float *restrict w_out,
                         float *restrict m_out, float *restrict v_out) {
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] + b1c * (gi - m[i]);
    const float vi = v[i] + b2c * (gi * gi - v[i]);
    const float denominator = sqrtf(vi * ic2) + eps;
    w_out[i] = w[i] - step * (mi / denominator);
    m_out[i] = mi;
    v_out[i] = vi;
  }
}

/*
 * max |a_i - b_i| over n float32 values (n >= 1), as tfjs' Sub, Abs and Max compute it; NaN when
 * any difference is NaN, as tfjs' Max. A solver's per-round change in one pass. Non-negative
 * floats order as their bit patterns, and every NaN's pattern lies above infinity's, so an
 * integer max (which vectorizes; a float max reduction does not without -ffast-math) is exact.
 */
EXPORT float lg_max_abs_difference(int64_t n, const float *a, const float *b) {
  uint32_t largest = 0;
  for (int64_t i = 0; i < n; i++) {
    const float d = a[i] - b[i];
    uint32_t bits;
    memcpy(&bits, &d, sizeof bits);
    bits &= 0x7fffffffu;
    largest = bits > largest ? bits : largest;
  }
  if (largest > 0x7f800000u) return NAN;
  float result;
  memcpy(&result, &largest, sizeof result);
  return result;
}

/*
 * sign(x) over n float32 values as tfjs' cpu backend and @liftguard/tensor's heap Sign: 1, -1,
 * and 0 for +-0 and NaN. PGD's L-infinity step takes the sign of the whole input gradient.
 */
EXPORT void lg_sign(int64_t n, const float *x, float *out) {
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    out[i] = (float)((v > 0) - (v < 0));
  }
}

/*
 * One L-infinity PGD step over n float32 values, as @liftguard/attacks' loop composes it from
 * tfjs ops: moved = current + sign(g)*step, d = clip(moved - x, -eps, eps), r = x + d, then
 * clip(r, low, high) when `bounded`. The same float32 operations in the same order (no fused
 * multiply-add), so the values are equal bit for bit; seven kernels' passes over the input become one.
 */
EXPORT void lg_linf_pgd_step(int64_t n, const float *current, const float *grad, const float *x,
                             float step, float eps, int32_t bounded, float low, float high,
                             float *out) {
  const float below = -eps;
  for (int64_t i = 0; i < n; i++) {
    const float g = grad[i];
    const float moved = current[i] + (float)((g > 0) - (g < 0)) * step;
    float d = moved - x[i];
    d = d < below ? below : (d > eps ? eps : d);
    float r = x[i] + d;
    if (bounded) r = r < low ? low : (r > high ? high : r);
    out[i] = r;
  }
}

/* sqrt of the sum of squares, accumulated in double. */
static float euclidean_norm(const float *x, int32_t n) {
  double sum = 0;
  for (int32_t i = 0; i < n; i++) sum += (double)x[i] * x[i];
  return (float)sqrt(sum);
}

/*
 * `iterations` power iterations on K K^T for a dense map's kernel K [rows = in, cols = out]
 * (row-major, as tfjs stores it) from `start` [rows], as @liftguard/potentials'
 * estimateSpectralNorm: v = start / (|start| + 1e-30), then per iteration w = (v K) K^T,
 * s = |w|, v = w / (s + 1e-30). Writes the last v to `vector` and returns the last s (the
 * estimate of sigma^2); -1 when it could not allocate. The dot products keep eight partial sums
 * (which vectorize), so the values differ from tfjs' matMul in the last bits: this one is not a
 * bit-for-bit replacement. Spectral-norm estimates of small layers are a dozen kernels per
 * iteration in tensor form, and a lifted solve runs them every batch.
 */
EXPORT float lg_gram_power_iterations(int32_t rows, int32_t cols, const float *k, const float *start,
                                      int32_t iterations, float *vector) {
  float *u = malloc(sizeof(float) * (size_t)(cols > 0 ? cols : 1));
  if (u == NULL) return -1;
  const float first = euclidean_norm(start, rows) + 1e-30f;
  for (int32_t i = 0; i < rows; i++) vector[i] = start[i] / first;
  float squared = 0;
  for (int32_t t = 0; t < iterations; t++) {
    /* u = v K: one scaled row of K per entry of v. */
    for (int32_t j = 0; j < cols; j++) u[j] = 0;
    for (int32_t i = 0; i < rows; i++) {
      const float vi = vector[i];
      const float *row = k + (int64_t)i * cols;
      for (int32_t j = 0; j < cols; j++) u[j] += vi * row[j];
    }
    /* w = K u into `vector` (v is no longer needed). */
    for (int32_t i = 0; i < rows; i++) {
      const float *row = k + (int64_t)i * cols;
      float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int32_t j = 0;
      for (; j + 8 <= cols; j += 8)
        for (int32_t l = 0; l < 8; l++) partial[l] += row[j + l] * u[j + l];
      float tail = 0;
      for (; j < cols; j++) tail += row[j] * u[j];
      vector[i] = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                  ((partial[4] + partial[5]) + (partial[6] + partial[7])) + tail;
    }
    squared = euclidean_norm(vector, rows);
    const float scale = squared + 1e-30f;
    for (int32_t i = 0; i < rows; i++) vector[i] /= scale;
  }
  free(u);
  return squared;
}

/* JavaScript's Math.min / Math.max on doubles (NaN wins), for bit-equal results. */
static double js_min(double a, double b) { return a != a || b != b ? NAN : (a < b ? a : b); }
static double js_max(double a, double b) { return a != a || b != b ? NAN : (a > b ? a : b); }

/* The pivot stream of @liftguard/attacks' FAB projection: xorshift32 from a fixed state per row. */
static uint32_t next_pivot(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

/* cond ? a : b by masks, never a branch: for choices a branch predictor would miss half the time. */
static double select_double(int32_t cond, double a, double b) {
  uint64_t ua, ub;
  memcpy(&ua, &a, sizeof ua);
  memcpy(&ub, &b, sizeof ub);
  const uint64_t mask = (uint64_t)0 - (uint64_t)(cond != 0);
  const uint64_t bits = (ua & mask) | (ub & ~mask);
  double out;
  memcpy(&out, &bits, sizeof out);
  return out;
}

/* The r with saturated + slope*r + sum_i a_i*min(r, key_i) = needed over the open breakpoints
   left, by quickselect. Each pass keeps the undecided breakpoints at the front in their order
   (as the JavaScript's swaps do); selects instead of branches, as the pivot splits them at random. */
static double solve_piece(double *key, double *weight, int32_t open, double needed, double saturated,
                          double slope) {
  uint32_t state = 0x9e3779b9u;
  while (open > 0) {
    const double pivot = key[next_pivot(&state) % (uint32_t)open];
    double reach = saturated + slope * pivot;
    for (int32_t i = 0; i < open; i++) reach += weight[i] * (key[i] < pivot ? key[i] : pivot);
    int32_t kept = 0;
    if (reach >= needed) {
      /* r <= pivot: every key >= pivot is unsaturated at r; keep the smaller ones. */
      for (int32_t i = 0; i < open; i++) {
        const double k = key[i], w = weight[i];
        const int32_t keep = k < pivot;
        slope += select_double(keep, 0, w);
        key[kept] = k;
        weight[kept] = w;
        kept += keep;
      }
    } else {
      /* r > pivot: every key <= pivot is saturated; keep the larger ones. */
      for (int32_t i = 0; i < open; i++) {
        const double k = key[i], w = weight[i];
        const int32_t keep = k > pivot;
        saturated += select_double(keep, 0, w * k);
        key[kept] = k;
        weight[kept] = w;
        kept += keep;
      }
    }
    open = kept;
  }
  return slope > 0 ? js_max(needed - saturated, 0) / slope : INFINITY;
}

/* Buckets the breakpoints are counted into before the exact search, as in hyperplane-projection.ts. */
#define FAB_BUCKETS 64

/* The bucket of a key in [0, largest]: monotone in the key, so lower buckets hold smaller keys. */
static int32_t fab_bucket(double key, double scale) {
  /* Clamped by selects (keys tie at the top), then truncated: floor for at >= 0, no libm call. */
  const double at = select_double(key * scale > 0, key * scale, 0);
  return (int32_t)select_double(at < FAB_BUCKETS, at, FAB_BUCKETS - 1);
}

/* The r <= largest with sum_i a_i*min(r, key_i) = needed: the bucket holding r from the reach at
   each bucket's largest key, then the exact search over that bucket's breakpoints only. */
static double solve_bucketed(double *key, double *weight, int32_t count, double needed, double largest) {
  double bucket_weight[FAB_BUCKETS] = {0}, bucket_reach[FAB_BUCKETS] = {0}, bucket_top[FAB_BUCKETS],
         weight_above[FAB_BUCKETS];
  for (int32_t b = 0; b < FAB_BUCKETS; b++) bucket_top[b] = -1;
  const double scale = FAB_BUCKETS / largest;
  for (int32_t i = 0; i < count; i++) {
    const int32_t b = fab_bucket(key[i], scale);
    bucket_weight[b] += weight[i];
    bucket_reach[b] += weight[i] * key[i];
    bucket_top[b] = select_double(key[i] > bucket_top[b], key[i], bucket_top[b]);
  }
  weight_above[FAB_BUCKETS - 1] = 0;
  for (int32_t b = FAB_BUCKETS - 2; b >= 0; b--) weight_above[b] = weight_above[b + 1] + bucket_weight[b + 1];
  double below = 0;
  int32_t chosen = -1;
  for (int32_t b = 0; b < FAB_BUCKETS; b++) {
    if (bucket_top[b] < 0) continue;
    if (below + bucket_reach[b] + bucket_top[b] * weight_above[b] >= needed) {
      chosen = b;
      break;
    }
    below += bucket_reach[b];
  }
  if (chosen < 0) return INFINITY;
  int32_t open = 0;
  for (int32_t i = 0; i < count; i++) {
    const double k = key[i], w = weight[i];
    key[open] = k;
    weight[open] = w;
    open += fab_bucket(k, scale) == chosen;
  }
  return solve_piece(key, weight, open, needed, below, weight_above[chosen]);
}

/*
 * FAB's projection (Croce & Hein 2020) of each row t onto its hyperplane <w, t + delta> = b with
 * t + delta in [b0, b1]: the smallest delta in the L-infinity (l2 = 0) or L2 (l2 = 1) norm, or the
 * step that gets closest when the box cannot reach the plane. The algorithm and the order of
 * every operation of @liftguard/attacks' hyperplane-projection.ts, in double: the same values.
 * out must hold zeros. Returns 0, or -1 when scratch memory could not be allocated.
 */
/* One row's breakpoints (pass 1): the room per coordinate, the kept weights and keys, their total
   reach and the largest key. l2 is a constant at each call, so the compiler drops the other norm. */
static inline int32_t fab_breakpoints(const float *t, const float *n, int32_t d, double orientation, int32_t l2,
                                      double b0, double b1, double *room, double *key, double *weight,
                                      double *full_out, double *largest_out) {
  int32_t count = 0;
  double full = 0, largest = 0;
  for (int32_t i = 0; i < d; i++) {
    const double wi = (double)n[i] * orientation, ti = t[i];
    /* The room along sign(w_i), by selects: the signs of a gradient are a coin toss per pixel. */
    const double r = select_double(wi > 0, b1 - ti, ti - b0);
    const double room_i = select_double(r > 0, r, 0);
    room[i] = room_i;
    const double magnitude = fabs(wi);
    const double a = l2 ? magnitude * magnitude : magnitude, k = l2 ? room_i / magnitude : room_i;
    /* A zero weight never moves, a zero key never adds reach: both are left out of the breakpoints
       (kept = 0 overwrites them). Pixels at a bound make a third of the keys 0. */
    const int32_t kept = wi != 0 && k > 0;
    weight[count] = a;
    key[count] = k;
    full += select_double(kept, a * k, 0);
    /* Only a max on the loop-carried path (a select there costs a chain of integer ops per key). */
    const double candidate = select_double(kept, k, 0);
    largest = candidate > largest ? candidate : largest;
    count += kept;
  }
  *full_out = full;
  *largest_out = largest;
  return count;
}

/* One row's step (pass 3): sign(w_i) * min(move_i, room_i), NaN when move is (Math.min's rule). */
static inline void fab_row_step(const float *n, int32_t d, double orientation, int32_t l2, double parameter,
                                const double *room, float *o) {
  for (int32_t i = 0; i < d; i++) {
    const double wi = (double)n[i] * orientation;
    const double move = l2 ? parameter * fabs(wi) : parameter;
    /* room is never NaN (a select made it), so only move can make the minimum NaN. */
    const double least = select_double(move != move, NAN, move < room[i] ? move : room[i]);
    const float step = (float)(select_double(wi > 0, 1, -1) * least);
    o[i] = wi != 0 ? step : o[i];
  }
}

EXPORT int32_t lg_fab_projection(int32_t rows, int32_t d, const float *points, const float *normals,
                                 const float *offsets, int32_t l2, double b0, double b1,
                                 float *out) {
  double *scratch = malloc(sizeof(double) * 3 * (size_t)d);
  if (scratch == NULL) return -1;
  double *room = scratch, *key = scratch + d, *weight = scratch + 2 * (size_t)d;
  for (int32_t row = 0; row < rows; row++) {
    const float *t = points + (int64_t)row * d, *n = normals + (int64_t)row * d;
    float *o = out + (int64_t)row * d;
    double dot = 0;
    for (int32_t i = 0; i < d; i++) dot += (double)n[i] * (double)t[i];
    const double gap = (double)offsets[row] - dot;
    const double orientation = gap < 0 ? -1 : 1;
    const double needed = fabs(gap);
    if (needed == 0) continue;
    double full, largest;
    const int32_t count = l2 ? fab_breakpoints(t, n, d, orientation, 1, b0, b1, room, key, weight, &full, &largest)
                             : fab_breakpoints(t, n, d, orientation, 0, b0, b1, room, key, weight, &full, &largest);
    if (count == 0) continue;
    const double parameter = full >= needed ? solve_bucketed(key, weight, count, needed, largest) : INFINITY;
    if (l2) fab_row_step(n, d, orientation, 1, parameter, room, o);
    else fab_row_step(n, d, orientation, 0, parameter, room, o);
  }
  free(scratch);
  return 0;
}

/* ||row|| in L-infinity (a running max that keeps NaN, as Math.max) or L2, over d floats. */
static double fab_row_norm(const float *v, int32_t d, int32_t l2) {
  double size = 0;
  if (l2) {
    for (int32_t i = 0; i < d; i++) size += (double)v[i] * (double)v[i];
    return sqrt(size);
  }
  for (int32_t i = 0; i < d; i++) size = js_max(size, fabs((double)v[i]));
  return size;
}

/*
 * FAB's step from its two projections, as stepTowardsBoundary in @liftguard/attacks'
 * fab-run.ts: per row alpha = min(max(a / (a + b), 0), alpha_max) with a, b the norms of the
 * steps from the current and the clean point (at least 1e-8), then
 * next = (1 - alpha)(current + eta*from_current) + alpha(clean + eta*from_clean), clamped to
 * [low, high] (NaN passes), in double and stored as float: the same values.
 */
EXPORT void lg_fab_combine(int32_t rows, int32_t d, const float *current, const float *clean,
                           const float *from_current, const float *from_clean, int32_t l2, double eta,
                           double alpha_max, double low, double high, float *next) {
  for (int32_t row = 0; row < rows; row++) {
    const int64_t at = (int64_t)row * d;
    const double to_current = js_max(fab_row_norm(from_current + at, d, l2), 1e-8);
    const double to_clean = js_max(fab_row_norm(from_clean + at, d, l2), 1e-8);
    const double alpha = js_min(js_max(to_current / (to_current + to_clean), 0), alpha_max);
    for (int64_t i = at; i < at + d; i++) {
      const double mixed = (1 - alpha) * ((double)current[i] + eta * (double)from_current[i]) +
                           alpha * ((double)clean[i] + eta * (double)from_clean[i]);
      next[i] = (float)select_double(mixed < low, low, select_double(mixed > high, high, mixed));
    }
  }
}
