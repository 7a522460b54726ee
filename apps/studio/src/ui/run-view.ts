/** A run folder's figures in the page (placeholder until the report's figure functions are wired in). */
export async function showRunFolder(container: HTMLElement, files: Record<string, Uint8Array>): Promise<void> {
  const names = Object.keys(files).sort();
  container.textContent = `run folder: ${names.join(', ')}`;
}
