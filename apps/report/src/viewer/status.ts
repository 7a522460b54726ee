/** The viewer's state for the reader (status line) and for tests (data attributes on <html>). */
export type ViewerState = 'loading' | 'ready' | 'error';

export function setStatus(doc: Document, state: ViewerState, text: string): void {
  const out = doc.getElementById('viewer-status');
  if (out) {
    out.textContent = text;
    out.dataset.state = state;
  }
  doc.documentElement.dataset.viewer = state;
}

/** Counts finished redraws, so a test can wait for the one its change caused. */
export function markRedrawn(doc: Document): void {
  const root = doc.documentElement;
  root.dataset.redraws = String(Number(root.dataset.redraws ?? '0') + 1);
}
