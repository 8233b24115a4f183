import type { Attachment } from 'svelte/attachments';

/**
 * Shrinks an element's one line of text, from its CSS font size down to `minPx`, until it fits
 * the element's width; if it still does not, lets it wrap. A card's large figure ("MX$12,850.00"
 * in English, or a million pesos) must not spill out of its card on a 1024 px screen.
 *
 * `text` is the figure shown: a new one makes Svelte attach again, so it is measured again.
 * The measure runs in the ResizeObserver's callback, after layout and before paint (the new text
 * is in place, nothing overflowing is ever drawn), and again whenever the box's width changes.
 */
export function fitWidth(text: string, minPx = 14): Attachment<HTMLElement> {
  return (node) => {
    void text;
    let width = -1;
    const fit = () => {
      if (node.clientWidth === width) return;
      width = node.clientWidth;
      node.style.fontSize = '';
      node.style.whiteSpace = '';
      const over = node.scrollWidth / width;
      if (!(over > 1)) return;
      const px = parseFloat(getComputedStyle(node).fontSize) / over;
      node.style.fontSize = `${Math.max(minPx, Math.floor(px * 10) / 10)}px`;
      if (px < minPx) node.style.whiteSpace = 'normal';
    };
    const observer = new ResizeObserver(fit);
    observer.observe(node);
    return () => observer.disconnect();
  };
}
