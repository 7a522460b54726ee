/**
 * The study's options as a form, built from the CLI's own option
 * definitions (names, types, choices, defaults), and back to command-line
 * tokens: only values that differ from the default are passed, so the CLI's
 * parser applies its defaults and its "applies only if" checks unchanged.
 */
import type { OptionSpec } from '@relevance/pipelines/src/cli/command.js';

/** Options the page sets itself (the data), or that make no sense in a tab. */
const PAGE_OWNED = new Set(['data', 'sql', 'id-column', 'class-column', 'features', 'out', 'force', 'shard', 'truth', 'known-edges', 'known-top-k',
  // study influence: the label is the class column; a model file and DuckDB conditions are CLI features
  'label-column', 'model', 'where', 'classes']);

const defaultText = (o: OptionSpec): string => (o.default === undefined ? '' : Array.isArray(o.default) ? o.default.join(',') : String(o.default));

export function formOptions(options: readonly OptionSpec[]): OptionSpec[] {
  return options.filter((o) => !PAGE_OWNED.has(o.name));
}

export function buildOptionsForm(container: HTMLElement, options: readonly OptionSpec[], initial: URLSearchParams): void {
  for (const o of formOptions(options)) {
    const label = document.createElement('label');
    label.title = o.help;
    label.textContent = `--${o.name}`;
    let input: HTMLInputElement | HTMLSelectElement;
    if (o.type === 'choice') {
      input = document.createElement('select');
      for (const c of o.choices ?? []) input.add(new Option(c, c));
    } else if (o.type === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
    } else {
      input = document.createElement('input');
      input.placeholder = o.placeholder ?? '';
    }
    input.dataset.option = o.name;
    const value = initial.get(o.name) ?? defaultText(o);
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = value === 'true';
    else input.value = value;
    label.append(input);
    container.append(label);
  }
}

/** The form's values that differ from the defaults, as `--name=value` tokens and as URL parameters. */
export function changedOptions(container: HTMLElement, options: readonly OptionSpec[]): Array<[string, string]> {
  const changed: Array<[string, string]> = [];
  for (const o of formOptions(options)) {
    const input = container.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-option="${o.name}"]`);
    if (!input) continue;
    const value = input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value.trim();
    if (value === defaultText(o) || (value === '' && o.default === undefined) || (o.type === 'boolean' && o.default === undefined && value === 'false')) continue;
    changed.push([o.name, value]);
  }
  return changed;
}
