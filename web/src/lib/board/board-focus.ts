/**
 * Arrow-key travel between the board's cards, so a keyboard user does not tab
 * through every visit of the day: ↑/↓ within a column, ←/→ to the next column
 * (its first card). Returns whether the key was one of those and moved focus.
 * Cards are `li[data-visit-id]` holding a `button.main`, in `section` columns.
 */
export function focusNeighbour(card: HTMLElement, key: string): boolean {
  let target: Element | null | undefined = null;
  if (key === 'ArrowDown') target = card.nextElementSibling;
  else if (key === 'ArrowUp') target = card.previousElementSibling;
  else if (key === 'ArrowRight' || key === 'ArrowLeft') {
    let column = card.closest('section');
    do column = (key === 'ArrowRight' ? column?.nextElementSibling : column?.previousElementSibling) as HTMLElement | null;
    while (column && !column.querySelector('li[data-visit-id]'));
    target = column?.querySelector('li[data-visit-id]');
  } else return false;
  const button = target?.matches('li[data-visit-id]') ? target.querySelector<HTMLElement>('button.main') : null;
  button?.focus();
  return Boolean(button);
}
