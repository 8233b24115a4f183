/**
 * The top bar's menus live in the top layer (the sections' row would clip them), so they are placed under
 * their button by hand: from its left edge or its right, kept 8 px inside the screen.
 */
export function placeUnder(button: HTMLElement, popover: HTMLElement, from: 'left' | 'right'): void {
  const at = button.getBoundingClientRect();
  const left = from === 'left' ? at.left : at.right - popover.offsetWidth;
  popover.style.top = `${at.bottom + 4}px`;
  popover.style.left = `${Math.max(8, Math.min(left, window.innerWidth - popover.offsetWidth - 8))}px`;
}

/** A menu's toggle event: whether it is now open; opening, it goes under its button. */
export function menuToggled(e: ToggleEvent, button: HTMLElement | undefined, popover: HTMLElement | undefined, from: 'left' | 'right'): boolean {
  const open = e.newState === 'open';
  if (open && button && popover) placeUnder(button, popover, from);
  return open;
}
