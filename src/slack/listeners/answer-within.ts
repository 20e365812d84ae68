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

/** What a modal submission's ack may carry: nothing (close), inline errors, or a replacement view. */
export type ViewAnswer = { response_action: "errors"; errors: Record<string, string> } | { response_action: "update"; view: unknown } | undefined;

/**
 * A modal submission must be acked within Slack's 3 seconds, but the answer may need Slack's API
 * (who submitted it) or Twilio's (a code sent). When `work` is ready within `budgetMs` its answer
 * goes in the ack (inline errors, the next view); otherwise the modal is closed at once, the work
 * goes on, and `late` tells the person what happened (a DM) — the submission is never lost.
 */
export async function ackViewWithin(
  ack: (answer?: never) => Promise<void>,
  work: () => Promise<ViewAnswer>,
  late: (answer: ViewAnswer | { failed: string }) => Promise<void>,
  budgetMs = ANSWER_BUDGET_MS,
): Promise<void> {
  const slow = Symbol("slow");
  let timer: NodeJS.Timeout | undefined;
  const running = work().then(
    (answer) => ({ answer }),
    (error: unknown) => ({ answer: { failed: error instanceof Error ? error.message : String(error) } as const }),
  );
  const first = await Promise.race([running, new Promise<typeof slow>((resolve) => (timer = setTimeout(() => resolve(slow), budgetMs)))]);
  clearTimeout(timer);
  const send = ack as unknown as (answer?: ViewAnswer) => Promise<void>;
  if (first !== slow) {
    if (first.answer && "failed" in first.answer) {
      await send();
      return late(first.answer);
    }
    return send(first.answer);
  }
  await send();
  const { answer } = await running;
  await late(answer);
}

/** The problem a late modal answer reports, as text; null when it went through. */
export function lateProblem(answer: ViewAnswer | { failed: string }): string | null {
  if (!answer) return null;
  if ("failed" in answer) return `something went wrong (${answer.failed}); please try again.`;
  if (answer.response_action === "errors") return Object.values(answer.errors).join(" ");
  return null;
}
