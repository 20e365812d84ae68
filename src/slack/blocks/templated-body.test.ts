import { describe, expect, it } from "vitest";
import { ALERT_GROUP_BLOCK_IDS, alertGroupMessage } from "./alert-group-message.js";
import { blockKitProblems } from "./block-kit-problems.js";
import { DIRECT_PAGE_BLOCK_IDS, directPageMessage } from "./direct-page-message.js";
import { sampleView } from "./sample-view.js";

const TZ = { timezone: "Europe/Berlin" };
const textOf = (blocks: unknown, id: string) => (blocks as { block_id?: string; text?: { text: string } }[]).find((b) => b.block_id === id)?.text?.text;

describe("a rendered slack_body template in the messages", () => {
  it("replaces the message section as written (already escaped mrkdwn), in the channel and, cut to 500, in the DM", () => {
    const body = "*Summary:* api-1 p99 is 2.4s &lt;!channel&gt;\n<https://grafana.example.com|dashboard>";
    const channel = alertGroupMessage(sampleView({ bodyMrkdwn: body }), TZ);
    expect(textOf(channel.blocks, ALERT_GROUP_BLOCK_IDS.message)).toBe(body);
    expect(blockKitProblems(channel.blocks)).toEqual([]);
    const long = `*x* ${"&lt;".repeat(200)}`;
    const dm = directPageMessage(sampleView({ bodyMrkdwn: long }), { ...TZ, channelPermalink: null, important: false });
    const excerpt = textOf(dm.blocks, DIRECT_PAGE_BLOCK_IDS.message)!;
    expect(excerpt.length).toBeLessThanOrEqual(500);
    expect(excerpt).toMatch(/^\*x\* (&lt;)+…$/);
  });

  it("leaves the message section out when the template rendered nothing; without a template the message shows as before", () => {
    expect(textOf(alertGroupMessage(sampleView({ bodyMrkdwn: "" }), TZ).blocks, ALERT_GROUP_BLOCK_IDS.message)).toBeUndefined();
    expect(textOf(alertGroupMessage(sampleView({ message: "a <b> & c" }), TZ).blocks, ALERT_GROUP_BLOCK_IDS.message)).toBe("a &lt;b&gt; &amp; c");
  });
});
