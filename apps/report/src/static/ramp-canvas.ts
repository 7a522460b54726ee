/**
 * Plot draws continuous colour legends on a 256×1 canvas and embeds it with
 * toDataURL(). linkedom has no canvas, so this stand-in records the colours
 * and returns a small SVG gradient as the data URL instead (deterministic,
 * and a browser shows it like the PNG it replaces).
 */

const SAMPLED_STOPS = 33;

class RampContext {
  fillStyle = '#000';
  readonly colors: string[] = [];
  fillRect(x: number): void {
    this.colors[Math.round(x)] = String(this.fillStyle);
  }
}

export class RampCanvas {
  width = 256;
  height = 1;
  private readonly context = new RampContext();

  getContext(kind: string): RampContext | null {
    return kind === '2d' ? this.context : null;
  }

  toDataURL(): string {
    const colors = this.context.colors;
    const n = colors.length;
    const stops: string[] = [];
    for (let s = 0; s < SAMPLED_STOPS && n > 0; s++) {
      const i = Math.round((s * (n - 1)) / (SAMPLED_STOPS - 1));
      stops.push(`<stop offset="${((100 * i) / Math.max(1, n - 1)).toFixed(2)}%" stop-color="${colors[i] ?? '#000'}"/>`);
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" preserveAspectRatio="none"><defs><linearGradient id="g">${stops.join('')}</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
    return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
  }
}
