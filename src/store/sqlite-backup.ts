import { existsSync, renameSync, rmSync } from "node:fs";
import { openSqliteDatabase } from "./sqlite-driver.js";

/**
 * Copies the SQLite database at `source` to `target` with SQLite's online backup: the copy is
 * consistent even while calpage runs and writes (WAL mode). It is written next to `target` first
 * and renamed into place, so a failed backup never leaves a half-written file under that name.
 * Resolves with the number of pages copied.
 */
export async function backupSqlite(source: string, target: string): Promise<number> {
  if (!existsSync(source)) throw new Error(`no SQLite database at ${source} (check CALPAGE_DATA_DIR)`);
  if (existsSync(target)) throw new Error(`${target} already exists; choose a new file name (a backup never overwrites)`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = openSqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const { totalPages } = await db.backup(partial);
    renameSync(partial, target);
    return totalPages;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
