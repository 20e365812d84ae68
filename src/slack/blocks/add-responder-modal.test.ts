import type { KnownBlock, ModalView } from "@slack/types";
import { describe, expect, it } from "vitest";
import { ADD_RESPONDER_INPUT_ACTION, ADD_RESPONDER_INPUTS, VIEW_ADD_RESPONDER, addResponderModal } from "./add-responder-modal.js";
import { blockKitProblems } from "./block-kit-problems.js";

const group = { id: "grp_abc123", number: 42, title: "HighLatency <!channel>" };
/** The modal's blocks, as the message blocks they are (ModalView types them loosely). */
const blocksOf = (view: ModalView) => view.blocks as KnownBlock[];

describe("addResponderModal", () => {
  it("carries the group, a people picker and a picker of the configured schedules", () => {
    const view = addResponderModal(group, ["db-primary", "payments"]);
    expect(view).toMatchObject({ type: "modal", callback_id: VIEW_ADD_RESPONDER, private_metadata: "grp_abc123", submit: { text: "Page them" } });
    const inputs = blocksOf(view).filter((b) => b.type === "input");
    expect(inputs.map((b) => b.block_id)).toEqual([ADD_RESPONDER_INPUTS.users, ADD_RESPONDER_INPUTS.schedules]);
    const [users, schedules] = inputs.map((b) => (b.type === "input" ? b.element : null));
    expect(users).toMatchObject({ type: "multi_users_select", action_id: ADD_RESPONDER_INPUT_ACTION, max_selected_items: 10 });
    expect(schedules).toMatchObject({ type: "multi_static_select", action_id: ADD_RESPONDER_INPUT_ACTION });
    expect(schedules && "options" in schedules ? schedules.options?.map((o) => o.value) : []).toEqual(["db-primary", "payments"]);
    // The checker knows message blocks; the modal's inputs are checked above.
    expect(blockKitProblems(blocksOf(view).filter((b) => b.type !== "input"))).toEqual([]);
  });

  it("names the group with its title escaped, and leaves the schedule picker out when there are no schedules", () => {
    const view = addResponderModal(group, []);
    expect(blocksOf(view).filter((b) => b.type === "input").map((b) => b.block_id)).toEqual([ADD_RESPONDER_INPUTS.users]);
    const intro = blocksOf(view)[0];
    const text = intro?.type === "section" ? (intro.text?.text ?? "") : "";
    expect(text).toMatch(/^\*#42 HighLatency &lt;!channel&gt;\*\n/);
    expect(text).not.toContain("<!channel>");
  });

  it("offers at most 100 schedules (Slack's limit for a menu)", () => {
    const view = addResponderModal(group, Array.from({ length: 130 }, (_, i) => `s${i}`));
    const picker = blocksOf(view).find((b) => b.block_id === ADD_RESPONDER_INPUTS.schedules);
    expect(picker?.type === "input" && "options" in picker.element ? picker.element.options?.length : 0).toBe(100);
  });
});
