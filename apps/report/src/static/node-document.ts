/**
 * A linkedom document for Plot in Node, with the canvas stand-in for colour
 * legends. One fresh document per figure keeps figures independent.
 */
import { parseHTML } from 'linkedom';
import { RampCanvas } from './ramp-canvas.js';

export function nodeDocument(): Document {
  const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const createElement = document.createElement.bind(document);
  Object.defineProperty(document, 'createElement', {
    value: (tag: string, options?: ElementCreationOptions) => (tag.toLowerCase() === 'canvas' ? new RampCanvas() : createElement(tag, options)),
  });
  return document as unknown as Document;
}
