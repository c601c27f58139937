/*
 * Fused elementwise loops for LiftGuard: one vectorized pass where tfjs would run a dozen
 * kernels and a JavaScript loop runs scalar. Built by scripts/build-loops.mjs with
 * -O3 -ffp-contract=off -fno-trapping-math (exceptions are never read, and a trapping compare
 * would keep the clamps from vectorizing), so every result equals the JavaScript or tfjs formulation it replaces
 * bit for bit (same operations, same order, same rounding; no fused multiply-add).
 */
#include <math.h>
#include <stdint.h>

#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

/* The ABI this file implements; the loader refuses a library built from another version. */
EXPORT int32_t lg_loops_version(void) { return 1; }

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
