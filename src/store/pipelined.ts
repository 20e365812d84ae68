/**
 * Runs independent statements of one transaction together. On Postgres they
 * go out back to back on the transaction's connection (one round trip instead
 * of one each); on SQLite they run one after another as before. Waits for all
 * of them before failing, so no statement of the transaction runs after it has
 * been rolled back; the first failure (in argument order) is the one thrown.
 */
export async function pipelined<T extends readonly unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work);
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
