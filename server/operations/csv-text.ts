const UTF8 = new TextDecoder('utf-8', { fatal: true });
const WINDOWS_1252 = new TextDecoder('windows-1252');

/**
 * The text of an uploaded or local CSV file. A spreadsheet saved as "CSV" on a Spanish
 * Windows is Windows-1252, not UTF-8: read as UTF-8, "Peña" became "Pe\uFFFDa" in every
 * row. A file that is not valid UTF-8 is read as Windows-1252. The API and the import CLI
 * both read files through this, so the same file imports the same either way.
 */
export function csvText(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return WINDOWS_1252.decode(bytes);
  }
}
