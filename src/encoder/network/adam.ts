/** Adam hyper-parameters (Kingma & Ba 2015), with the paper's defaults. */
export interface AdamHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /**
   * Decoupled weight decay (AdamW, Loshchilov & Hutter 2019): each step first
   * scales every parameter by 1 − lr·weightDecay. Default 0 (plain Adam).
   */
  readonly weightDecay: number;
}

export const DEFAULT_ADAM: AdamHyper = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };

/**
 * The factor a step with learning rate `lr` scales the parameters by before
 * the Adam update, rounded to float32 as every engine applies it; exactly 1
 * without decay, so plain Adam is unchanged bit for bit.
 */
export function decayFactor(lr: number, weightDecay: number): number {
  return Math.fround(1 - lr * weightDecay);
}

/** Fills in the defaults for any hyper-parameter left out. */
export function adamHyper(partial: Partial<AdamHyper> | undefined): AdamHyper {
  return { ...DEFAULT_ADAM, ...partial };
}

/**
 * One bias-corrected Adam step in place. `step` counts from 1.
 * The reference implementation; fast engines must match it.
 */
export function adamUpdate(
  params: Float32Array, grad: Float64Array | Float32Array, m: Float64Array, v: Float64Array,
  step: number, lr: number, hyper: AdamHyper,
): void {
  const correction1 = 1 - hyper.beta1 ** step;
  const correction2 = 1 - hyper.beta2 ** step;
  const keep = decayFactor(lr, hyper.weightDecay);
  for (let i = 0; i < params.length; i++) {
    const g = grad[i]!;
    m[i] = hyper.beta1 * m[i]! + (1 - hyper.beta1) * g;
    v[i] = hyper.beta2 * v[i]! + (1 - hyper.beta2) * g * g;
    const mHat = m[i]! / correction1;
    const vHat = v[i]! / correction2;
    params[i] = params[i]! * keep - (lr * mHat) / (Math.sqrt(vHat) + hyper.epsilon);
  }
}
