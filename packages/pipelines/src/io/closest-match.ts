/** "Did you mean" suggestions for unknown options and column names (Levenshtein distance). */

import { levenshtein } from '@relevance/methods';

export { levenshtein };

/**
 * The candidate closest to `name`, or undefined when none is plausibly meant
 * (distance above a third of the length, at least 2). Case differences count
 * as near-misses, so 'akt' suggests 'Akt'.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0.5 : levenshtein(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.ceil(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean 'x'?)" or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = "'"): string {
  const m = closestMatch(name, candidates);
  return m === undefined ? '' : ` (did you mean ${quote}${m}${quote}?)`;
}

/** A readable list of names, shortened after `max` entries. */
export function listNames(names: readonly string[], max = 40): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown}, ... and ${names.length - max} more` : shown;
}
