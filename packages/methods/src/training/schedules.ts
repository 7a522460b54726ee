/**
 * Learning-rate schedules: pure functions from a 0-based epoch (or step)
 * index to the learning rate, so a schedule is trivially testable and the
 * training loop can evaluate it at any point (PyTorch's closed forms).
 */
import { ModelError } from '../model/op.js';

export type LearningRateSchedule = (index: number) => number;

function positive(name: string, what: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new ModelError(`${name}: ${what} must be a positive number, got ${v}`);
}

/** The same rate throughout. */
export function constantLr(lr: number): LearningRateSchedule {
  positive('constantLr', 'lr', lr);
  return () => lr;
}

/** lr * gamma^floor(index / stepSize) (torch.optim.lr_scheduler.StepLR). */
export function stepLr(lr: number, options: { stepSize: number; gamma?: number }): LearningRateSchedule {
  positive('stepLr', 'lr', lr);
  if (!Number.isInteger(options.stepSize) || options.stepSize < 1) throw new ModelError(`stepLr: stepSize must be an integer >= 1, got ${options.stepSize}`);
  const gamma = options.gamma ?? 0.1;
  positive('stepLr', 'gamma', gamma);
  return (index) => lr * Math.pow(gamma, Math.floor(Math.max(0, index) / options.stepSize));
}

/**
 * Cosine annealing from lr at index 0 to minLr at index `period`, held at minLr
 * afterwards (the closed form of CosineAnnealingLR, without restarts).
 */
export function cosineLr(lr: number, options: { period: number; minLr?: number }): LearningRateSchedule {
  positive('cosineLr', 'lr', lr);
  positive('cosineLr', 'period', options.period);
  const minLr = options.minLr ?? 0;
  if (!(minLr >= 0 && minLr <= lr)) throw new ModelError(`cosineLr: minLr must lie in [0, lr], got ${minLr}`);
  return (index) => {
    const t = Math.min(Math.max(index, 0), options.period) / options.period;
    return minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}
