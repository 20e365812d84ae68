import { watch } from "node:fs";
import { basename, dirname } from "node:path";

/** Changes closer together than this (an editor's write, rename and chmod) are one reload (ms). */
const SETTLE_MS = 300;

/**
 * Calls `changed` once the config file changed and stayed quiet for a moment. It watches the
 * folder, not the file: editors and Kubernetes ConfigMaps replace the file instead of writing into it.
 */
export function watchConfigFile(path: string, changed: () => void, log: (line: string) => void): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | null = null;
  const watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
    // Kubernetes swaps a `..data` symlink: any change in the folder may be ours when the name is unknown.
    if (file !== null && file !== name && !file.startsWith("..")) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      changed();
    }, SETTLE_MS);
  });
  watcher.on("error", (error) => log(`calpage: watching ${path} stopped: ${error.message}; SIGHUP still reloads it`));
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
