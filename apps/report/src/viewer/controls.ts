/**
 * The controls bar: read the current selection, enable the controls, and
 * report changes. Typing in the filter and number box is debounced, so a
 * word is one redraw, not one per key.
 */
import type { ReportState } from '../report/report-state.js';
import type { Selection } from '../report/selection.js';

const DEBOUNCE_MS = 250;

type ControlElement = HTMLInputElement | HTMLSelectElement;

export interface Controls {
  read(): Selection;
  enable(): void;
  /** Set one control (e.g. after a click in a figure) and report the change. */
  set(key: 'className' | 'instance', value: string): void;
  onChange(listener: (selection: Selection) => void): void;
}

export function bindControls(doc: Document, state: ReportState): Controls {
  const elements = Array.from(doc.querySelectorAll<ControlElement>('[data-control]'));
  const byKey = (key: string) => elements.find((e) => e.dataset.control === key);
  const listeners: ((s: Selection) => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const read = (): Selection => {
    const kValue = Number(byKey('k')?.value);
    const k = Number.isFinite(kValue) && kValue >= 1 ? Math.min(Math.floor(kValue), state.kMax) : state.defaults.k;
    return {
      className: byKey('className')?.value ?? state.defaults.className,
      instance: byKey('instance')?.value ?? state.defaults.instance,
      k,
      filter: byKey('filter')?.value ?? '',
      scope: byKey('scope')?.value ?? state.defaults.scope,
    };
  };
  // a reload may restore values the reader chose before; the static figures show the defaults
  const defaults: Record<string, string> = {
    className: state.defaults.className ?? '',
    instance: state.defaults.instance ?? '',
    k: String(state.defaults.k),
    filter: state.defaults.filter,
    scope: state.defaults.scope ?? '',
  };
  for (const el of elements) el.value = defaults[el.dataset.control ?? ''] ?? el.value;

  const emit = () => {
    clearTimeout(timer);
    const s = read();
    for (const l of listeners) l(s);
  };
  for (const el of elements) {
    if (el instanceof HTMLSelectElement) el.addEventListener('change', emit);
    else {
      el.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(emit, DEBOUNCE_MS);
      });
      el.addEventListener('change', emit);
    }
  }
  const search = doc.getElementById('control-instance-search') as HTMLInputElement | null;
  if (search) bindInstanceSearch(search, byKey('instance') as HTMLSelectElement | undefined, emit);
  return {
    read,
    enable: () => [...elements, ...(search ? [search] : [])].forEach((e) => (e.disabled = false)),
    set(key, value) {
      const el = byKey(key);
      if (!el || el.value === value) return;
      el.value = value;
      emit();
    },
    onChange: (l) => listeners.push(l),
  };
}

/** Typing in the search box hides the instances that do not match (id or class); the first match is chosen when the current one is hidden. */
function bindInstanceSearch(search: HTMLInputElement, select: HTMLSelectElement | undefined, emit: () => void): void {
  if (!select) return;
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    let first: HTMLOptionElement | null = null;
    for (const o of Array.from(select.options)) {
      o.hidden = q !== '' && !(o.textContent ?? '').toLowerCase().includes(q);
      if (!o.hidden && !first) first = o;
    }
    if (first && select.selectedOptions[0]?.hidden) {
      select.value = first.value;
      emit();
    }
  });
}
