/** `run.rung.attempt` of a ladder send, as stored on its page. */
export function parseLadderKey(key: string | null): { run: number; rung: number; attempt: number } | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(key ?? "");
  return m ? { run: Number(m[1]), rung: Number(m[2]), attempt: Number(m[3]) } : null;
}
