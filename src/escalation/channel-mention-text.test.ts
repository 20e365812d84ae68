import { describe, expect, it } from "vitest";
import { channelMentionText } from "./channel-mention-text.js";

describe("channelMentionText", () => {
  it("pings with the step's mention and shows the title", () => {
    expect(channelMentionText("here", 42, "Disk full on db-1")).toBe("<!here> #42 Disk full on db-1 is still firing and unacknowledged.");
  });

  it("escapes the title: a source cannot ping everyone or smuggle a link", () => {
    const text = channelMentionText("channel", 7, "<!everyone> see <https://evil.example|docs> & more");
    expect(text).toBe("<!channel> #7 &lt;!everyone&gt; see &lt;https://evil.example|docs&gt; &amp; more is still firing and unacknowledged.");
    expect(text.match(/<!/g)).toHaveLength(1);
  });
});
