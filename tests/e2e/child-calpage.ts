import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { waitFor } from "../support/wait-for.js";

export const ROOT = join(import.meta.dirname, "..", "..");

/** calpage started as its own process (`node --import tsx src/cli.ts start`), as a user runs it: signals, exit codes and crashes are real. */
export interface ChildCalpage {
  child: ChildProcess;
  url: string;
  /** stdout and stderr, as they arrived. */
  output: string[];
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

export function startChildCalpage(env: Record<string, string>, configPath: string, port: number, command: string[] = [process.execPath, "--import", "tsx", "src/cli.ts", "start", "--config", configPath]): ChildCalpage {
  const output: string[] = [];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env, CALPAGE_CONFIG: configPath, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { child, url: `http://127.0.0.1:${port}`, output, exited };
}

/** Waits until /health/ready answers 200 (at most `timeoutMs`). */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok, { timeoutMs, intervalMs: 100, description: `${url} ready` });
}
