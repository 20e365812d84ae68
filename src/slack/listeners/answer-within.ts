import type { RespondFn, SlashCommand } from "@slack/bolt";

/** Slack gives a slash command 3 s; answers that take longer arrive through `response_url`. */
export const ANSWER_BUDGET_MS = 2000;

type Ack = (response?: { response_type: "ephemeral"; text: string }) => Promise<void>;

/**
 * Answers a slash command privately with what `work` says: in the ack when it is ready within
 * `budgetMs`, otherwise the ack says "working on it" at once and the answer follows through
 * `respond` (response_url). So a slow Slack API (users.info, usergroups…) never makes Slack show
 * an error for a command calpage did carry out.
 */
export async function answerWithin(ack: Ack, respond: RespondFn, work: () => Promise<string | null>, budgetMs = ANSWER_BUDGET_MS): Promise<void> {
  const late = Symbol("late");
  let timer: NodeJS.Timeout | undefined;
  const running = work().then(
    (text) => ({ text }),
    (error: unknown) => ({ text: `Something went wrong: ${error instanceof Error ? error.message : String(error)}. Nothing was changed unless a message says so.` }),
  );
  const first = await Promise.race([running, new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), budgetMs)))]);
  clearTimeout(timer);
  if (first !== late) {
    if (first.text === null) return ack();
    return ack({ response_type: "ephemeral", text: first.text });
  }
  await ack({ response_type: "ephemeral", text: ":hourglass_flowing_sand: Working on it…" });
  const { text } = await running;
  if (text !== null) await respond({ response_type: "ephemeral", replace_original: true, text });
}

export type { SlashCommand };
