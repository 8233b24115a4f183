/**
 * Marks the nodes of the largest strongly connected component (Tarjan's algorithm, iterative so a
 * city-sized graph cannot overflow the call stack). Streets cut off by one-way rules or missing
 * blocks stay out of it, so the table never has to answer "unreachable".
 */
export function largestStronglyConnected(n: number, firstOut: Int32Array, target: Int32Array): Uint8Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const component = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let sp = 0, top = 0, counter = 0, components = 0;
  let bestComponent = -1, bestSize = 0;
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    stack[top++] = v;
    onStack[v] = 1;
    callNode[sp] = v;
    callEdge[sp++] = firstOut[v];
  };
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    enter(s);
    while (sp > 0) {
      const v = callNode[sp - 1];
      const e = callEdge[sp - 1];
      if (e < firstOut[v + 1]) {
        callEdge[sp - 1]++;
        const w = target[e];
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--top];
          onStack[w] = 0;
          component[w] = components;
          size++;
        } while (w !== v);
        if (size > bestSize) (bestSize = size), (bestComponent = components);
        components++;
      }
      sp--;
      if (sp > 0) {
        const u = callNode[sp - 1];
        low[u] = Math.min(low[u], low[v]);
      }
    }
  }
  const inBest = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (component[v] === bestComponent) inBest[v] = 1;
  return inBest;
}
