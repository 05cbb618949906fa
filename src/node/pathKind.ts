// What a path is, asked asynchronously: the extension host asks from commands and pickers, and a synchronous stat on
// a slow or network disk would block the editor thread. Never throws: a path that cannot be read is 'none'.
import fs from 'node:fs/promises';

export type PathKind = 'file' | 'directory' | 'other' | 'none';

export async function pathKind(p: string): Promise<PathKind> {
  try {
    const st = await fs.stat(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'none';
  }
}

export const pathExists = async (p: string): Promise<boolean> => (await pathKind(p)) !== 'none';
