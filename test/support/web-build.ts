import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

const BUILD = 'web/build';

/**
 * A private copy of web/build, for a server that must keep serving the same dashboard
 * while someone rebuilds web/build (the server lists its static files once, at start:
 * a rebuild mid-run leaves it pointing at deleted files). Pass the directory as
 * RONDA_WEB_BUILD_DIR. Throws if the copy caught a build half-written.
 */
export function snapshotWebBuild(): { dir: string; remove(): void } {
  if (!existsSync(join(BUILD, 'index.html'))) throw new Error(`no ${BUILD}/index.html: run npm run build -w web first`);
  const dir = mkdtempSync(join(tmpdir(), 'ronda-web-'));
  cpSync(BUILD, dir, { recursive: true });
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const missing = [...html.matchAll(/"\/(_app\/immutable\/[^"]+\.js)"/g)].map((m) => m[1]).filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${BUILD} was being rebuilt while copied (missing ${missing[0]}); run again`);
  }
  dropStaleCompressed(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The adapter writes the .br/.gz siblings after the files themselves; a copy taken
 * meanwhile may hold a truncated one, which the server would send as is. Any sibling
 * that does not decompress to its file is dropped (the plain file is served instead).
 */
function dropStaleCompressed(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const m = /^(.*)\.(br|gz)$/.exec(entry.name);
    if (!entry.isFile() || !m) continue;
    const packed = join(entry.parentPath, entry.name);
    const plain = join(entry.parentPath, m[1]);
    let same = false;
    try {
      const data = readFileSync(packed);
      same = existsSync(plain) && (m[2] === 'br' ? brotliDecompressSync(data) : gunzipSync(data)).equals(readFileSync(plain));
    } catch {
      same = false;
    }
    if (!same) rmSync(packed);
  }
}
