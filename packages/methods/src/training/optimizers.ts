/**
 * Optimisers over named parameters (a model's `parameters()`), updating them
 * in place with the core's fused kernels (`sgdStep`, `adamStep`), which follow
 * PyTorch's update rules. State tensors (velocity, moments) are created per
 * parameter on its first step, as PyTorch does, and owned by the optimiser.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { ModelError } from '../model/op.js';

export interface Optimizer {
  readonly name: string;
  /** The learning rate of the next step (a schedule sets it every epoch or step). */
  lr: number;
  /** Update every parameter that has a gradient (by public name) in place. */
  step(grads: ReadonlyMap<string, Tensor>): void;
  /** Forget the state (velocities, moments, step counts), as for a fresh optimiser. */
  zeroState(): void;
  /** Free the state tensors. The parameters are not touched. */
  dispose(): void;
}

/** Named parameters, or something that has them (a Model). */
export type ParameterSource = ReadonlyMap<string, Tensor> | { parameters(): ReadonlyMap<string, Tensor> };

function parameterMap(params: ParameterSource): ReadonlyMap<string, Tensor> {
  return params instanceof Map ? params : (params as { parameters(): ReadonlyMap<string, Tensor> }).parameters();
}

function backendOf(name: string, params: ReadonlyMap<string, Tensor>): Backend {
  const first = params.values().next().value as Tensor | undefined;
  if (!first) throw new ModelError(`${name}: there are no parameters to optimise`);
  return first.backend;
}

function checkNonNegative(name: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isFinite(v) || v < 0) throw new ModelError(`${name}: ${k} must be a finite number >= 0, got ${v}`);
  }
}

/** Shared bookkeeping: the parameters, their state tensors, step lookups. */
abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: string;
  lr: number;
  protected readonly be: Backend;
  protected readonly params: ReadonlyMap<string, Tensor>;

  constructor(name: string, params: ParameterSource, lr: number) {
    this.params = parameterMap(params);
    this.be = backendOf(name, this.params);
    this.lr = lr;
  }

  step(grads: ReadonlyMap<string, Tensor>): void {
    for (const [name, grad] of grads) {
      const param = this.params.get(name);
      if (!param) throw new ModelError(`${this.name}: a gradient for '${name}', which is not among the parameters (${[...this.params.keys()].join(', ')})`);
      this.update(name, param, grad);
    }
  }

  protected abstract update(name: string, param: Tensor, grad: Tensor): void;

  /** A zero state tensor that outlives any enclosing `be.scope` (the optimiser disposes it). */
  protected stateTensor(like: Tensor): Tensor {
    return this.be.keep(this.be.zeros(like.shape));
  }

  abstract zeroState(): void;

  dispose(): void {
    this.zeroState();
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  /** Dampening of the momentum (PyTorch's `dampening`; must be 0 with Nesterov). */
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (PyTorch's `weight_decay`). */
  weightDecay?: number;
}

/** torch.optim.SGD: momentum, dampening, Nesterov, L2 weight decay. */
export class Sgd extends BaseOptimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly velocity = new Map<string, Tensor>();

  constructor(params: ParameterSource, options: SgdOptions) {
    super('sgd', params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    checkNonNegative('sgd', { lr: options.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay });
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ModelError('sgd: Nesterov momentum needs momentum > 0 and dampening 0 (as in PyTorch)');
    }
  }

  protected update(name: string, param: Tensor, grad: Tensor): void {
    const be = this.be;
    let velocity = this.velocity.get(name);
    if (!velocity) {
      // PyTorch starts the buffer at the (decayed) gradient itself, undamped. The fused
      // kernel computes momentum * v + (1 - dampening) * g, so v0 = dampening / momentum * g gives that.
      if (this.momentum > 0 && this.dampening !== 0) {
        velocity = be.keep(be.scope(() => be.scale(be.add(grad, be.scale(param, this.weightDecay)), this.dampening / this.momentum)));
      } else {
        velocity = this.stateTensor(param);
      }
      this.velocity.set(name, velocity);
    }
    be.sgdStep(param, grad, velocity, { lr: this.lr, momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay, dampening: this.dampening });
  }

  zeroState(): void {
    for (const t of this.velocity.values()) t.dispose();
    this.velocity.clear();
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay of the weights. */
  weightDecay?: number;
}

/** torch.optim.Adam (decoupled = false) and torch.optim.AdamW (decoupled = true), without amsgrad. */
export class Adam extends BaseOptimizer {
  readonly name: string;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private readonly state = new Map<string, { m: Tensor; v: Tensor; step: number }>();

  constructor(params: ParameterSource, options: AdamOptions, decoupled: boolean) {
    super(decoupled ? 'adamw' : 'adam', params, options.lr ?? 1e-3);
    this.name = decoupled ? 'adamw' : 'adam';
    this.decoupled = decoupled;
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    // PyTorch's defaults: Adam 0, AdamW 0.01
    this.weightDecay = options.weightDecay ?? (decoupled ? 1e-2 : 0);
    checkNonNegative(this.name, { lr: this.lr, eps: this.eps, weightDecay: this.weightDecay });
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new ModelError(`${this.name}: betas must lie in [0, 1), got [${this.beta1}, ${this.beta2}]`);
    }
  }

  protected update(name: string, param: Tensor, grad: Tensor): void {
    let s = this.state.get(name);
    if (!s) {
      s = { m: this.stateTensor(param), v: this.stateTensor(param), step: 0 };
      this.state.set(name, s);
    }
    s.step++;
    this.be.adamStep(param, grad, s.m, s.v, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, decoupled: this.decoupled, step: s.step,
    });
  }

  zeroState(): void {
    for (const s of this.state.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.state.clear();
  }
}

export function sgd(params: ParameterSource, options: SgdOptions): Sgd {
  return new Sgd(params, options);
}

export function adam(params: ParameterSource, options: AdamOptions = {}): Adam {
  return new Adam(params, options, false);
}

/** Adam with decoupled weight decay (default 0.01, as PyTorch). */
export function adamw(params: ParameterSource, options: AdamOptions = {}): Adam {
  return new Adam(params, options, true);
}

/** An optimiser by type, for configuration objects (train's `optimizer` option). */
export type OptimizerConfig =
  | ({ type: 'sgd' } & Omit<SgdOptions, 'lr'> & { lr?: number })
  | ({ type: 'adam' | 'adamw' } & AdamOptions);

export function createOptimizer(params: ParameterSource, config: OptimizerConfig): Optimizer {
  switch (config.type) {
    case 'sgd': return sgd(params, { ...config, lr: config.lr ?? 1e-2 });
    case 'adam': return adam(params, config);
    case 'adamw': return adamw(params, config);
    default: throw new ModelError(`unknown optimizer '${String((config as { type: unknown }).type)}'; choose 'sgd', 'adam' or 'adamw'`);
  }
}
