import type { Random } from '../random.ts';
import type { SearchContext } from './context.ts';
import { crossExchange } from './cross-exchange.ts';
import { exchange } from './exchange.ts';
import { relocate, relocateToEmpty } from './relocate.ts';
import { RouteSwap } from './route-swap.ts';
import { SwapStar } from './swap-star.ts';
import { twoOptStar } from './two-opt-star.ts';
import { twoOpt } from './two-opt.ts';

/**
 * Granular first-improvement local search (HGS-style): for every job whose
 * neighbourhood changed (dirty), try each operator between it and each of its
 * neighbours, apply the first improving move, and repeat until no job is dirty.
 */
export class LocalSearch {
  private readonly swapStar = new SwapStar();
  private readonly routeSwap = new RouteSwap();
  private readonly order: number[];
  private readonly seen: Uint8Array;

  constructor(private readonly ctx: SearchContext) {
    this.order = Array.from({ length: ctx.problem.jobCount }, (_, j) => j);
    this.seen = new Uint8Array(ctx.problem.vehicleCount);
  }

  run(rng: Random): void {
    const ctx = this.ctx;
    const s = ctx.solution;
    const dirty = s.dirty;
    const order = rng.shuffle(this.order);
    let active = true;
    while (active) {
      active = false;
      // Marks the jobs of swapped routes dirty, so the pass below looks at them again.
      this.routeSwap.run(ctx);
      for (const u of order) {
        if (dirty[u] === 0) continue;
        dirty[u] = 0;
        if (s.routeOf[u] < 0) continue;
        if (this.improve(u)) active = true;
      }
    }
  }

  private improve(u: number): boolean {
    const ctx = this.ctx;
    const s = ctx.solution;
    const neighbours = ctx.neighbours[u];
    for (let i = 0; i < neighbours.length; i++) {
      const v = neighbours[i];
      if (s.routeOf[v] < 0 || s.routeOf[u] < 0) continue;
      if (
        relocate(ctx, u, v) ||
        exchange(ctx, u, v) ||
        twoOpt(ctx, u, v) ||
        twoOptStar(ctx, u, v) ||
        crossExchange(ctx, u, v) ||
        this.swapStar.run(ctx, u, v)
      ) {
        s.dirty[u] = 1;
        return true;
      }
    }
    if (s.routeOf[u] >= 0 && relocateToEmpty(ctx, u, this.seen)) return true;
    return false;
  }
}
